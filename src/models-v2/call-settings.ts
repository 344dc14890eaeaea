// Per-call settings every adapter resolves the same way: the attempt deadline and the
// precedence of extra body keys and headers (SPEC §3, §7).
import type { ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import { type CallOptions, DEFAULT_TIMEOUT_MS } from '../core/model-client.ts';

/** `CallOptions.timeoutMs` > request `timeout_ms` > model `timeoutSeconds` > 60 s. */
export function attemptTimeoutMs(
  options: CallOptions | undefined,
  request: { timeout_ms?: number },
  model: ModelConfig,
): number {
  const candidates = [options?.timeoutMs, request.timeout_ms, secondsToMs(model.inferenceParameters.timeoutSeconds)];
  for (const value of candidates) if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  return DEFAULT_TIMEOUT_MS;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * Model config < call < provider, key by key. Applying it again to a body the facade already
 * merged changes nothing, so the order holds whoever merged first.
 */
export function mergedExtraBody(
  model: ModelConfig,
  request: { extra_body?: Record<string, unknown> },
  provider: ResolvedProvider,
): Record<string, unknown> {
  return { ...model.inferenceParameters.extraBody, ...request.extra_body, ...provider.extraBody };
}

/** Provider headers merge over caller headers. */
export function mergedExtraHeaders(
  request: { extra_headers?: Record<string, string> },
  provider: ResolvedProvider,
): Record<string, string> {
  return { ...request.extra_headers, ...provider.extraHeaders };
}
