// What shadow mode — and the recorder (src/testing/record/secret-scrubber.ts) — removes from an
// exchange before it is kept past the call or written (SPEC §10 and §13), in production code: credential and
// cookie headers, AWS signature headers, the provider's configured extra headers, transport
// framing, and every known secret value wherever it appears.
import { REDACTED, redactSecrets, registeredSecrets } from '../core/secrets.ts';

const DROPPED_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'set-cookie']);
// `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`…; not `x-amzn-*` (error type, token counts).
const AWS_SIGNATURE_HEADER = /^x-amz-/;
// Framing describes one connection, not the exchange; the replay frames anew.
const FRAMING_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding', 'te', 'upgrade']);
// Shorter values are too likely to be ordinary text to scrub blindly (same rule as core/secrets).
const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  text(input: string): string;
  /** Deep copy of a JSON-like value with every secret occurrence replaced. */
  value<T>(input: T): T;
  /**
   * Response headers as kept (request headers are never kept: the replay does not need them).
   * Rate-limit headers whose names contain "token" stay: they drive v2's admission.
   */
  headers(headers: Readonly<Record<string, string>>): Record<string, string>;
}

/**
 * `secrets`: values known to be secret besides the registered ones (the provider's key);
 * `dropHeaders`: header names the config adds (extraHeaders: configuration, often a credential).
 */
export function createRedactor(secrets: readonly (string | undefined)[], dropHeaders: Iterable<string> = []): Redactor {
  const dropped = new Set([...dropHeaders].map((name) => name.toLowerCase()));
  const known = [...new Set([...secrets, ...registeredSecrets()])]
    .filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    // Longest first, so a secret containing another goes whole.
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return redactSecrets(out);
  };
  const value = <T>(input: T): T => {
    if (typeof input === 'string') return text(input) as T;
    if (Array.isArray(input)) return input.map((item) => value(item)) as T;
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(input)) out[key] = value(item);
      return out as T;
    }
    return input;
  };
  return {
    text,
    value,
    headers(headers) {
      const out: Record<string, string> = {};
      for (const [rawName, raw] of Object.entries(headers)) {
        const name = rawName.toLowerCase();
        if (DROPPED_HEADERS.has(name) || AWS_SIGNATURE_HEADER.test(name) || FRAMING_HEADERS.has(name) || dropped.has(name)) continue;
        out[name] = text(raw);
      }
      return out;
    },
  };
}
