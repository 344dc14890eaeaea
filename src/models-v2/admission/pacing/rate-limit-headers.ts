// What a provider's rate-limit headers say about its buckets, read from any response (success or
// error) so that admission can pace before the 429 instead of after it.
//
// OpenAI (platform.openai.com/docs/guides/rate-limits, "Rate limits in headers"):
//   x-ratelimit-limit-requests / -remaining-requests / -reset-requests, and the same for -tokens;
//   reset is a Go-style duration until the bucket is full again: "12ms", "1s", "6m0s", "2m59.56s".
// Anthropic (docs.anthropic.com/en/api/rate-limits, "Response headers"; wire corpus
// anthropic/429_headers_without_retry_after_2024.json):
//   anthropic-ratelimit-requests-limit / -remaining / -reset, the same for -tokens (and the
//   -input-tokens / -output-tokens split); reset is an RFC 3339 time when the bucket is full again.
// Bedrock sends none: its ThrottlingException carries no hint at all.
import type { HeaderLookup } from '../../transport/header-lookup.ts';

export interface BucketReading {
  /** Bucket size: the per-minute allowance. */
  limit: number;
  /** What the server had left after counting this request. */
  remaining: number;
  /** Until the bucket is full again, measured from when the server answered. */
  resetMs?: number;
  /**
   * Whether `resetMs` is exact (OpenAI's millisecond durations) rather than rounded to a whole
   * second (Anthropic's RFC 3339 instants): only an exact one gives the refill rate directly.
   */
  resetExact?: boolean;
}

export interface RateLimitReading {
  requests?: BucketReading;
  tokens?: BucketReading;
}

/** Beyond this, client and server clocks disagree; an absolute reset is then read against `date`. */
const CLOCK_SKEW_TOLERANCE_MS = 5_000;

export function readRateLimitHeaders(header: HeaderLookup, nowMs: number): RateLimitReading | undefined {
  const reading: RateLimitReading = {};
  const requests = openaiBucket(header, 'requests') ?? anthropicBucket(header, 'requests', nowMs);
  // Anthropic's `tokens` headers report the most restrictive of its token limits; the input
  // split is what a request's prompt draws on when only that one is sent.
  const tokens =
    openaiBucket(header, 'tokens') ?? anthropicBucket(header, 'tokens', nowMs) ?? anthropicBucket(header, 'input-tokens', nowMs);
  if (requests) reading.requests = requests;
  if (tokens) reading.tokens = tokens;
  return requests || tokens ? reading : undefined;
}

// The header names, spelt once: a call reads up to a dozen of them, mostly absent.
const OPENAI_NAMES = {
  requests: { limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' },
  tokens: { limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' },
} as const;
const anthropicNames = (kind: string) => ({
  limit: `anthropic-ratelimit-${kind}-limit`,
  remaining: `anthropic-ratelimit-${kind}-remaining`,
  reset: `anthropic-ratelimit-${kind}-reset`,
});
const ANTHROPIC_NAMES = {
  requests: anthropicNames('requests'),
  tokens: anthropicNames('tokens'),
  'input-tokens': anthropicNames('input-tokens'),
} as const;

// A bucket without its limit header is no bucket: its other headers are not read at all.
function openaiBucket(header: HeaderLookup, kind: 'requests' | 'tokens'): BucketReading | undefined {
  const names = OPENAI_NAMES[kind];
  const limitText = header(names.limit);
  if (limitText === undefined) return undefined;
  const reading = bucket(limitText, header(names.remaining), parseGoDurationMs(header(names.reset)));
  return reading?.resetMs === undefined ? reading : { ...reading, resetExact: true };
}

function anthropicBucket(header: HeaderLookup, kind: keyof typeof ANTHROPIC_NAMES, nowMs: number): BucketReading | undefined {
  const names = ANTHROPIC_NAMES[kind];
  const limitText = header(names.limit);
  if (limitText === undefined) return undefined;
  const remainingText = header(names.remaining);
  const reset = header(names.reset);
  return bucket(limitText, remainingText, reset === undefined ? undefined : untilInstantMs(reset, header('date'), nowMs));
}

function bucket(limitText: string | undefined, remainingText: string | undefined, resetMs: number | undefined): BucketReading | undefined {
  const limit = parseCount(limitText);
  const remaining = parseCount(remainingText);
  // Azure answers -1 for "not reported"; a remaining above the limit is not a bucket either.
  if (limit === undefined || remaining === undefined || limit <= 0 || remaining > limit) return undefined;
  return resetMs === undefined ? { limit, remaining } : { limit, remaining, resetMs };
}

function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

const GO_DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

/** "6m0s" → 360000; "12ms" → 12; "1.5s" → 1500. Undefined for anything else (incl. ""). */
export function parseGoDurationMs(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const match = GO_DURATION.exec(trimmed);
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [hours, minutes, seconds, millis] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

/**
 * Time from the server's answer to an absolute reset. Measured against our clock, unless the
 * response's `date` shows our clock is off by more than the tolerance: then against `date`.
 */
function untilInstantMs(reset: string, dateHeader: string | undefined, nowMs: number): number | undefined {
  const resetAt = Date.parse(reset);
  if (Number.isNaN(resetAt)) return undefined;
  const serverNow = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  const reference = !Number.isNaN(serverNow) && Math.abs(serverNow - nowMs) > CLOCK_SKEW_TOLERANCE_MS ? serverNow : nowMs;
  const untilReset = resetAt - reference;
  // Slightly in the past is within clock skew: no word on the reset. Far in the past (a replayed
  // recording) means the bucket has long been full again.
  if (untilReset < 0 && untilReset > -CLOCK_SKEW_TOLERANCE_MS) return undefined;
  return Math.max(0, untilReset);
}
