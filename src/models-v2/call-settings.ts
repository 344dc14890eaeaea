// Per-call settings every adapter resolves the same way. The request a client receives is final
// (docs/engine-rules.md): sampled params, model and provider extra body and headers were applied
// once by the facade, so nothing here merges config into the body again.
import type { ModelConfig } from '../config/schemas.ts';
import { type CallOptions, DEFAULT_TIMEOUT_MS } from '../core/model-client.ts';
import { badRequest } from './canonical-request-checks.ts';
import type { ErrorSubject } from './failure-classification.ts';

/**
 * `CallOptions.timeoutMs` > request `timeout_ms` > model `timeoutSeconds` > 60 s. A given
 * value that is not a positive number is rejected rather than silently skipped.
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
    return value;
  }
  const seconds = model.inferenceParameters.timeoutSeconds;
  return seconds !== undefined ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
}

/** `request.model` when non-empty, else the model config's provider model id. */
export function wireModelId(request: { model?: string }, model: ModelConfig): string {
  return typeof request.model === 'string' && request.model !== '' ? request.model : model.model;
}
