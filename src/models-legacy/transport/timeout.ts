import { MAX_TIMER_MS } from '../../core/limits.ts';
import { DEFAULT_TIMEOUT_MS } from '../../core/model-client.ts';
import { badRequest } from '../canonical/request-input-error.ts';

/**
 * Per-attempt deadline: CallOptions.timeoutMs, else the request's `timeout_ms`, else the model's
 * `timeoutSeconds`, else 60 s. It is a client deadline only and never goes on the wire. A given
 * value above MAX_TIMER_MS is refused (docs/engine-rules.md, Bounds).
 */
export function resolveTimeoutMs(
  optionsTimeoutMs: number | undefined,
  requestTimeoutMs: number | undefined,
  modelTimeoutSeconds: number | undefined,
): number {
  const candidates: [string, number | undefined][] = [
    ['timeoutMs (call options)', optionsTimeoutMs],
    ['timeout_ms (request)', requestTimeoutMs],
  ];
  for (const [name, value] of candidates) {
    if (value === undefined || value === null) continue; // null is unset (engine-rules, canonical request contract)
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw badRequest(
        `${name} must be a positive number of milliseconds, got ${String(value)}`,
        `Pass a positive ${name.split(' ')[0]} or leave it unset.`,
      );
    }
    // A Node timer cannot hold more; a longer deadline would fire after 1 ms, on every attempt.
    if (value > MAX_TIMER_MS) {
      throw badRequest(
        `${name} must be at most ${MAX_TIMER_MS} ms (the longest a Node timer can hold), got ${value}`,
        `Pass a ${name.split(' ')[0]} of at most ${MAX_TIMER_MS} ms.`,
      );
    }
    return value;
  }
  return modelTimeoutSeconds !== undefined ? modelTimeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS;
}
