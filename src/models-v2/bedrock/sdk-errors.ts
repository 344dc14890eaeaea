// Reduces an AWS SDK (smithy) failure from the Bedrock runtime client to our classes. Service
// exceptions carry `name`, `$metadata.httpStatusCode` and the raw `$response`; transport failures
// carry Node error codes; our own deadline shows up as an abort of the signal we passed.
import { DataDesignerError, ModelAPIError, ModelAuthenticationError, ModelTimeoutError } from '../../core/errors.ts';
import { type ErrorSubject, classifyHttpFailure, malformedResponseError } from '../retry/failure-classification.ts';
import { isTransportInterruption } from '../transport/interruption.ts';
import { connectionError } from '../transport/connection-error.ts';
import { headerLookup } from '../transport/header-lookup.ts';
import { parseJsonOrUndefined } from '../canonical/json-value.ts';
import { findResponseTooLarge, responseTooLargeError } from '../transport/response-too-large-error.ts';
import type { DeadlineState } from '../retry/attempt-deadline.ts';

interface SmithyFailure extends Error {
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string> };
  code?: string;
}

export interface BedrockErrorContext {
  subject: ErrorSubject;
  nowMs: number;
  timeoutMs: number;
  callerSignal?: AbortSignal;
  deadline: DeadlineState;
  /** Raw error bodies captured by the client's middleware, keyed by the `$response` object. */
  bodies: WeakMap<object, string>;
}

/** Returns what to throw: a `DataDesignerError`, or the caller's abort reason. */
export function fromBedrockError(error: unknown, context: BedrockErrorContext): unknown {
  const { subject } = context;
  if (context.callerSignal?.aborted) return context.callerSignal.reason;
  if (error instanceof DataDesignerError) return error;
  const tooLarge = findResponseTooLarge(error);
  if (tooLarge) return responseTooLargeError(subject, tooLarge);
  if (context.deadline.aborted) {
    return new ModelTimeoutError({
      ...subject,
      causeText: `The request to {subject} got no response within ${context.timeoutMs} ms`,
      cause: error,
    });
  }
  const failure = (error ?? {}) as SmithyFailure;
  // Before the status: a body cut mid-stream still carries the 200 it started with.
  if (isTransportInterruption(error)) return connectionError(subject, error);
  const status = failure.$metadata?.httpStatusCode ?? failure.$response?.statusCode;
  if (typeof status === 'number') {
    if (status >= 200 && status < 300) return malformedResponseError(subject, 'Bedrock response', error);
    const rawBody = failure.$response ? context.bodies.get(failure.$response) : undefined;
    return classifyHttpFailure(
      {
        status,
        header: headerLookup(failure.$response?.headers),
        body: parseJsonOrUndefined(rawBody),
        rawBody,
        sdkMessage: failure.message,
      },
      subject,
      context.nowMs,
      error,
    );
  }
  if (failure.name === 'CredentialsProviderError' || failure.name === 'TokenProviderError') {
    return new ModelAuthenticationError({
      ...subject,
      causeText: 'No AWS credentials were found for {subject}',
      solution: 'Configure AWS credentials (environment, profile or role), or set apiKey to a Bedrock API key.',
      cause: error,
    });
  }
  if (failure.name === 'TimeoutError' || failure.code === 'ETIMEDOUT') {
    return new ModelTimeoutError({ ...subject, cause: error });
  }
  if (typeof failure.code === 'string' || failure.name === 'AbortError') {
    return connectionError(subject, error);
  }
  return new ModelAPIError({ ...subject, cause: error });
}
