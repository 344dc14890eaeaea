import { DEFAULT_TIMEOUT_MS } from '../core/model-client.ts';
import { badRequest } from './request-input-error.ts';

/**
 * Per-attempt deadline: CallOptions.timeoutMs, else the request's `timeout_ms`, else the model's
 * `timeoutSeconds`, else 60 s. It is a client deadline only and never goes on the wire.
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
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw badRequest(`${name} must be a positive number of milliseconds, got ${String(value)}`, `Pass a positive ${name.split(' ')[0]} or leave it unset.`);
    }
    return value;
  }
  return modelTimeoutSeconds !== undefined ? modelTimeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS;
}
