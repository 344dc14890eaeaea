import type { CacheControl } from '../../core/types.ts';
import { CACHE_TTLS } from '../../core/provider-constraints.ts';
import { isRecord } from './json-value.ts';
import { badRequest } from './request-input-error.ts';

/**
 * A text part's `cache_control`, checked: Anthropic and Bedrock know only `{type: "ephemeral"}`
 * with an optional `ttl` of `5m` or `1h` (docs/engine-rules.md, "Prompt caching on parts").
 */
export function partCacheControl(part: { cache_control?: unknown }): CacheControl | undefined {
  const value = part.cache_control;
  if (value === undefined || value === null) return undefined;
  const ttl = isRecord(value) ? value.ttl : undefined;
  if (!isRecord(value) || value.type !== 'ephemeral' || (ttl !== undefined && !CACHE_TTLS.includes(ttl as string))) {
    throw badRequest(
      `A text part has cache_control ${JSON.stringify(value)}, which is not {"type": "ephemeral"} with an optional ttl of "5m" or "1h"`,
      'Set cache_control to {"type": "ephemeral"} (optionally with "ttl": "5m" or "1h").',
    );
  }
  return ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: ttl as CacheControl['ttl'] };
}

export function hasCacheControl(content: unknown): boolean {
  return (
    Array.isArray(content) && content.some((part) => isRecord(part) && part.cache_control !== undefined && part.cache_control !== null)
  );
}
