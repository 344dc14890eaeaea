// Per-request parameter precedence (docs/contract.md "Config", reference case 45 without telemetry headers):
// sampled config params < per-call options; provider extraBody then wins key by key over the
// call/config extra_body; provider extraHeaders merge over the caller's headers.
import type { ModelProvider, ResolvedProvider } from './schemas.ts';

interface Mergeable {
  extra_body?: Record<string, unknown>;
  extra_headers?: Record<string, string>;
}

export function applyPrecedence<T extends Mergeable>(
  sampled: Partial<T>,
  call: Partial<T>,
  provider: Pick<ModelProvider | ResolvedProvider, 'extraBody' | 'extraHeaders'>,
): T {
  const merged = { ...sampled } as T;
  for (const [key, value] of Object.entries(call)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (provider.extraBody && Object.keys(provider.extraBody).length) {
    merged.extra_body = { ...(merged.extra_body ?? {}), ...provider.extraBody };
  }
  if (provider.extraHeaders && Object.keys(provider.extraHeaders).length) {
    merged.extra_headers = { ...(merged.extra_headers ?? {}), ...provider.extraHeaders };
  }
  return merged;
}
