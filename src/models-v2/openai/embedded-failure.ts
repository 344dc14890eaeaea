// An OpenAI-compatible 2xx whose body reports a failure (docs/engine-rules.md "A 2xx body decides",
// issue 30): OpenRouter's `{"error": {"code", "message"}}` in a 200 once the model started, and a
// choice the server cut off — DeepSeek's `insufficient_system_resource`, OpenRouter's `error`
// finish reason. Judged in the attempt, so the executor retries it like the status it stands for.
import { type DataDesignerError, ModelAPIError, ModelInternalServerError } from '../../core/errors.ts';
import type { HeaderLookup } from '../transport/header-lookup.ts';
import { type ErrorSubject, classifyHttpFailure } from '../retry/failure-classification.ts';
import { parseRetryHintMs, parseShouldRetry } from '../retry/retry-hints.ts';
import { isRecord } from '../canonical/json-value.ts';

/** Finish reasons saying the server interrupted the generation: the answer is incomplete. */
const INTERRUPTED_FINISH_REASONS: ReadonlySet<string> = new Set(['insufficient_system_resource', 'error']);

/** `error.code` as an HTTP error status (an integer, or its digits as a string, 400–599). */
function embeddedStatus(error: Record<string, unknown>): number | undefined {
  const { code } = error;
  const status = typeof code === 'string' && /^\d{3}$/.test(code.trim()) ? Number(code) : code;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

/** The first choice the server interrupted: its finish reason, and the error it carries itself. */
function interruptionOf(choices: unknown[]): { reason: string; error: unknown } | undefined {
  for (const choice of choices) {
    if (!isRecord(choice)) continue;
    const reason = choice.finish_reason;
    if (typeof reason === 'string' && INTERRUPTED_FINISH_REASONS.has(reason)) return { reason, error: choice.error };
  }
  return undefined;
}

/**
 * The error a 2xx body reports, or undefined when it reports none. `answers` is where the answer
 * lives: `choices` (chat) or `data` (embeddings); a body that has it is an answer unless a choice
 * was interrupted.
 */
export function embeddedFailureError(
  body: unknown,
  answers: 'choices' | 'data',
  header: HeaderLookup,
  subject: ErrorSubject,
  nowMs: number,
): DataDesignerError | undefined {
  if (!isRecord(body)) return undefined;
  const listed = body[answers];
  const interrupted = Array.isArray(listed) && answers === 'choices' ? interruptionOf(listed) : undefined;
  // The error may sit beside `choices` or in the interrupted choice itself.
  const given = isRecord(body.error) ? body.error : interrupted?.error;
  const error = isRecord(given) ? given : undefined;
  if (Array.isArray(listed) ? interrupted === undefined : error === undefined) return undefined;
  const interruptedBy = interrupted?.reason;
  const status = error ? embeddedStatus(error) : undefined;
  if (status !== undefined) return classifyHttpFailure({ status, header, body, rawBody: JSON.stringify(body) }, subject, nowMs, undefined);
  const message = error && typeof error.message === 'string' && error.message.trim() !== '' ? error.message : undefined;
  const init = {
    ...subject,
    providerMessage: message,
    retryAfterMs: parseRetryHintMs(header, nowMs),
    retryable: parseShouldRetry(header),
  };
  if (interruptedBy === undefined) {
    return new ModelAPIError({ ...init, causeText: '{subject} answered HTTP 2xx with an error in its body and no status code' });
  }
  return new ModelInternalServerError({
    ...init,
    causeText: `{subject} answered HTTP 2xx with a generation the server interrupted (finish_reason "${interruptedBy}")`,
    solution: 'The server ran out of capacity mid-answer and the call was retried; retry later or lower maxParallelRequests.',
  });
}
