// The answers a limit gives, in each provider's own shape:
// - OpenAI: `{"error":{message,type:"requests"|"tokens",param:null,code:"rate_limit_exceeded"}}`,
//   message worded as wire-corpus/openai/429_rate_limit_tpm.json ("Rate limit reached for <model> in
//   organization <org> on tokens per min (TPM): Limit …, Used …, Requested …. Please try again in 1.574s. …").
// - Anthropic: `rate_limit_error` worded as wire-corpus/anthropic/429_rate_limit_input_tokens_per_minute.json;
//   529 `overloaded_error` "Overloaded" as wire-corpus/anthropic/529_overloaded_error.json.
// - Bedrock: HTTP 429 `ThrottlingException` in `x-amzn-errortype`, `{"message"}` body, the texts of
//   wire-corpus/bedrock/429_throttling_too_many_requests.json and 429_throttling_too_many_tokens.json,
//   and no `retry-after` or rate-limit header (AWS sends none; wire-corpus README rule 20). Transient
//   overload is 503 ServiceUnavailableException (wire-corpus/bedrock/503_service_unavailable_too_many_connections.json).
import type { ProviderType } from '../../core/types.ts';
import type { FakeReply, ProviderProtocol } from './provider-protocol.ts';
import type { BucketView, RateDecision } from './provider-limits.ts';
import { goDuration, retryAfterSeconds, rfc3339Seconds, withThousands } from './rate-limit-format.ts';

const ORGANIZATION = 'org-fakeprovider';
const BEDROCK_TOO_MANY_REQUESTS =
  'Too many requests, please wait before trying again. You have sent too many requests.  Wait before trying again.';
const BEDROCK_TOO_MANY_TOKENS = 'Too many tokens, please wait before trying again.';
const BEDROCK_TOO_MANY_CONNECTIONS = 'Too many connections, please wait before trying again.';

export interface BucketViews {
  requests?: BucketView;
  tokens?: BucketView;
}

/**
 * The rate-limit headers of one answer. OpenAI (platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers):
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, reset a Go duration. Anthropic
 * (docs.anthropic.com/en/api/rate-limits#response-headers; wire-corpus/anthropic/429_headers_without_retry_after_2024.json):
 * `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`, reset an RFC 3339 instant.
 * Bedrock: none. Only configured buckets are described.
 */
export function rateLimitHeaders(provider: ProviderType, views: BucketViews, wallNowMs: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const bucket = views[kind];
    if (!bucket) continue;
    if (provider === 'openai') {
      headers[`x-ratelimit-limit-${kind}`] = String(bucket.limit);
      headers[`x-ratelimit-remaining-${kind}`] = String(bucket.remaining);
      headers[`x-ratelimit-reset-${kind}`] = goDuration(bucket.resetMs);
    } else if (provider === 'anthropic') {
      headers[`anthropic-ratelimit-${kind}-limit`] = String(bucket.limit);
      headers[`anthropic-ratelimit-${kind}-remaining`] = String(bucket.remaining);
      headers[`anthropic-ratelimit-${kind}-reset`] = rfc3339Seconds(wallNowMs + bucket.resetMs);
    }
  }
  return headers;
}

/** The concurrency cap's 429. OpenAI/Anthropic keep the configured `retry-after`; Bedrock throttles as AWS does. */
export function capacityReply(protocol: ProviderProtocol, capacity: number, retryAfter: string): FakeReply {
  if (protocol.provider === 'bedrock') return protocol.error(429, BEDROCK_TOO_MANY_REQUESTS, { type: 'ThrottlingException' });
  return protocol.error(429, `Too many concurrent requests: this server handles ${capacity} at a time. Wait before trying again.`, {
    retryAfter,
  });
}

/** A request-rate or token-rate 429, `retry-after` = the wait until the request would pass (whole seconds, rounded up). */
export function rateReply(protocol: ProviderProtocol, decision: Extract<RateDecision, { ok: false }>, model: string): FakeReply {
  const tokens = decision.reason === 'tokenRate';
  if (protocol.provider === 'bedrock') {
    return protocol.error(429, tokens ? BEDROCK_TOO_MANY_TOKENS : BEDROCK_TOO_MANY_REQUESTS, { type: 'ThrottlingException' });
  }
  const never = !Number.isFinite(decision.waitMs);
  // A request bigger than the whole bucket never passes; its retry-after is a minute (a full refill).
  const waitMs = never ? 60_000 : decision.waitMs;
  const retryAfter = retryAfterSeconds(waitMs);
  if (protocol.provider === 'anthropic') {
    const unit = tokens ? 'tokens' : 'requests';
    return protocol.error(
      429,
      `This request would exceed the rate limit for your organization (${ORGANIZATION}) of ${withThousands(decision.limitPerMinute)} ${unit} per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`,
      { retryAfter },
    );
  }
  const per = tokens ? 'tokens per min (TPM)' : 'requests per min (RPM)';
  return protocol.error(
    429,
    `Rate limit reached for ${model} in organization ${ORGANIZATION} on ${per}: Limit ${Math.round(decision.limitPerMinute)}, Used ${decision.used}, Requested ${decision.requested}. Please try again in ${goDuration(waitMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    { type: tokens ? 'tokens' : 'requests', code: 'rate_limit_exceeded', retryAfter },
  );
}

/**
 * A transient failure on an admitted request. 429: each provider's rate-limit shape. 529: Anthropic's
 * `overloaded_error`; providers without a 529 get their overload answer instead (OpenAI 503
 * `server_error`, Bedrock 503 ServiceUnavailableException). `retryAfter` null sends none; Bedrock never gets one.
 */
export function noiseReply(protocol: ProviderProtocol, status: 429 | 529, retryAfter: string | null): FakeReply {
  const after = retryAfter === null ? {} : { retryAfter };
  if (protocol.provider === 'bedrock') {
    return status === 429
      ? protocol.error(429, BEDROCK_TOO_MANY_REQUESTS, { type: 'ThrottlingException' })
      : protocol.error(503, BEDROCK_TOO_MANY_CONNECTIONS, { type: 'ServiceUnavailableException' });
  }
  if (protocol.provider === 'anthropic') {
    return status === 529
      ? protocol.error(529, 'Overloaded', after)
      : protocol.error(429, 'Transient rate limit injected by the fake provider (noise). Try again later.', after);
  }
  return status === 529
    ? protocol.error(503, 'Transient overload injected by the fake provider (noise). Try again later.', after)
    : protocol.error(429, 'Transient rate limit injected by the fake provider (noise). Try again later.', {
        ...after,
        type: 'requests',
        code: 'rate_limit_exceeded',
      });
}
