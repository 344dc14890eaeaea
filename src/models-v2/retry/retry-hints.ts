// Server hints that steer our retry loop (docs/contract.md "Provider translation" "Retry hints", docs/engine-rules.md Retries).
import type { HeaderLookup } from '../transport/header-lookup.ts';

/**
 * The wait the server asked for, in ms (never negative): `retry-after-ms` first (even "0"),
 * else `retry-after` as fractional seconds or an HTTP-date measured against `nowMs`.
 * Undefined when neither header holds a parseable value.
 */
export function parseRetryHintMs(header: HeaderLookup, nowMs: number): number | undefined {
  const millis = parseNumber(header('retry-after-ms'));
  if (millis !== undefined) return Math.max(0, millis);
  const retryAfter = header('retry-after')?.trim();
  if (!retryAfter) return undefined;
  const seconds = parseNumber(retryAfter);
  if (seconds !== undefined) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** `x-should-retry: true|false` overrides the status default; anything else is no opinion. */
export function parseShouldRetry(header: HeaderLookup): boolean | undefined {
  const value = header('x-should-retry')?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function parseNumber(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  // Number("") is 0 and Number("1e3") is 1000; only plain decimal numbers are hints.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
