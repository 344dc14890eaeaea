// How providers write rate-limit times. OpenAI's `x-ratelimit-reset-*` is a Go duration string
// ("1s", "6m0s", "20ms", "1.574s" — platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers;
// the same style appears in the wait of wire-corpus/openai/429_rate_limit_tpm.json's message).
// Anthropic's `anthropic-ratelimit-*-reset` is an RFC 3339 instant in whole seconds
// ("2024-03-26T20:00:00Z" — wire-corpus/anthropic/429_headers_without_retry_after_2024.json;
// docs.anthropic.com/en/api/rate-limits#response-headers).

/** Milliseconds as Go's `time.Duration.String()` writes them, rounded up to the millisecond. */
export function goDuration(ms: number): string {
  const total = Math.ceil(ms);
  if (!Number.isFinite(total) || total <= 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const secondsMs = total % 60_000;
  const seconds = `${Math.floor(secondsMs / 1000)}${
    secondsMs % 1000 === 0
      ? ''
      : `.${String(secondsMs % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
  }s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** An instant as RFC 3339 in whole seconds, rounded up (`2024-03-26T20:00:00Z`). */
export function rfc3339Seconds(epochMs: number): string {
  return new Date(Math.ceil(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `retry-after` value: whole seconds, rounded up, at least 1 (providers send integers). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** 20000 → "20,000", as Anthropic's rate-limit messages write limits. */
export function withThousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
