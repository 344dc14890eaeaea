// Per-call settings every adapter resolves the same way. The request a client receives is final
// (docs/engine-rules.md): sampled params, model and provider extra body and headers were applied
// once by the facade, so nothing here merges config into the body again.
import type { ModelConfig } from '../../config/schemas.ts';
import { firstHeaderProblem } from '../../core/header-problem.ts';
import { MAX_TIMER_MS } from '../../core/limits.ts';
import { type CallOptions, DEFAULT_TIMEOUT_MS } from '../../core/model-client.ts';
import { badRequest } from '../canonical/request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

/**
 * `CallOptions.timeoutMs` > request `timeout_ms` > model `timeoutSeconds` > 60 s. A given
 * value that is not a positive number, or above MAX_TIMER_MS, is rejected rather than silently
 * skipped or clamped (docs/engine-rules.md, Bounds).
 */
export function attemptTimeoutMs(
  options: CallOptions | undefined,
  request: { timeout_ms?: number },
  model: ModelConfig,
  subject: ErrorSubject,
): number {
  const candidates: [string, number | undefined][] = [
    ['CallOptions.timeoutMs', options?.timeoutMs],
    ['timeout_ms', request.timeout_ms],
  ];
  for (const [name, value] of candidates) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw badRequest(subject, `${name} must be a positive number of milliseconds (got ${String(value)})`);
    }
    // Past 2^31 − 1 ms Node fires the timer after 1 ms: every attempt would time out at once.
    if (value > MAX_TIMER_MS) {
      throw badRequest(
        subject,
        `${name} must be at most ${MAX_TIMER_MS} ms, the longest a Node timer can hold (got ${value})`,
        `Pass a ${name} of at most ${MAX_TIMER_MS} ms.`,
      );
    }
    return value;
  }
  const seconds = model.inferenceParameters.timeoutSeconds;
  return seconds !== undefined ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
}

/** `request.model` when non-empty, else the model config's provider model id. */
export function wireModelId(request: { model?: string }, model: ModelConfig): string {
  return typeof request.model === 'string' && request.model !== '' ? request.model : model.model;
}

/**
 * The request's extra headers, refused before any attempt when one cannot be sent as given
 * (docs/engine-rules.md, Bounds): an invalid name or value, or a header the transport owns.
 */
export function checkedExtraHeaders(request: { extra_headers?: Record<string, string> }, subject: ErrorSubject): Record<string, string> {
  const problem = firstHeaderProblem(request.extra_headers);
  if (problem)
    throw badRequest(subject, `extra_headers: ${problem}`, "Remove or fix that header in extra_headers (or the provider's extraHeaders).");
  return request.extra_headers ?? {};
}
