// A text part's `cache_control` (docs/engine-rules.md, "Prompt caching on parts"): Anthropic takes
// it on the part's block, Bedrock as a `cachePoint` block after it. Both know only
// `{type: "ephemeral"}` with an optional `ttl` of `5m` or `1h`; anything else is refused.
import { CACHE_TTLS } from '../../core/provider-constraints.ts';
import type { CacheControl } from '../../core/types.ts';
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { isRecord } from './json-value.ts';

export function cacheControlOf(part: { cache_control?: unknown }, subject: ErrorSubject): CacheControl | undefined {
  const given = part.cache_control;
  if (given === undefined || given === null) return undefined;
  const ttl = isRecord(given) ? given.ttl : undefined;
  const valid =
    isRecord(given) && given.type === 'ephemeral' && (ttl === undefined || (typeof ttl === 'string' && CACHE_TTLS.includes(ttl)));
  if (!valid) {
    throw badRequest(
      subject,
      `a text part has cache_control ${JSON.stringify(given)}, which is not {"type": "ephemeral"} with an optional ttl of "5m" or "1h"`,
      'Set cache_control to {"type": "ephemeral"} (optionally with "ttl": "5m" or "1h").',
    );
  }
  return ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: ttl as CacheControl['ttl'] };
}

export function anyCacheControl(content: unknown): boolean {
  return (
    Array.isArray(content) && content.some((part) => isRecord(part) && part.cache_control !== undefined && part.cache_control !== null)
  );
}
