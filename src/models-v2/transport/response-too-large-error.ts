import { ModelAPIError } from '../../core/errors.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

// A success body grew past the provider's maxResponseBytes (docs/engine-rules.md, Bounds). Raised
// inside the SDKs' body read; the adapters' error mapping turns it into ModelAPIError, not retried.
export class ResponseTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`the response body exceeded ${limitBytes} bytes and was not read further`);
    this.name = 'ResponseTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** The ResponseTooLargeError somewhere in `error`'s cause chain (SDKs may wrap it). */
export function findResponseTooLarge(error: unknown): ResponseTooLargeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth += 1) {
    if (current instanceof ResponseTooLargeError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What the caller sees: no `status` (the exchange itself succeeded), never retried. */
export function responseTooLargeError(subject: ErrorSubject, error: ResponseTooLargeError): ModelAPIError {
  return new ModelAPIError({
    ...subject,
    causeText: `{subject} sent a response body larger than ${error.limitBytes} bytes (maxResponseBytes), not read further`,
    solution: `Raise maxResponseBytes of provider '${subject.providerName}' if responses this large are expected, or ask for less per call.`,
    retryable: false,
    cause: error,
  });
}
