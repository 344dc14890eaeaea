// A failure with no response is a `ModelAPIConnectionError` whose message keeps the network
// error code the caller can act on (docs/engine-rules.md "Errors": `ECONNREFUSED`, `ENOTFOUND`,
// `ECONNRESET`, …), as legacy's does. The SDKs bury it: openai and @anthropic-ai/sdk wrap fetch's
// `TypeError: fetch failed`, whose cause holds the socket error; smithy throws it more directly.
import { ModelAPIConnectionError } from '../../core/errors.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

const MAX_CAUSE_DEPTH = 6;

/** The first error code along the cause chain (`ECONNREFUSED`, `UND_ERR_SOCKET`), or undefined. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current && typeof current === 'object'; depth++) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && code) return code;
    // Happy eyeballs: an AggregateError of one refusal per address tried.
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}

export function connectionError(subject: ErrorSubject, error: unknown): ModelAPIConnectionError {
  const code = networkCode(error);
  return new ModelAPIConnectionError({
    ...subject,
    ...(code ? { causeText: `The connection to {subject} failed before a response arrived (${code})` } : {}),
    cause: error,
  });
}
