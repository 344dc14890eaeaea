// What shadow mode — and the recorder (src/testing/record/secret-scrubber.ts) — removes from an
// exchange before it is kept past the call or written (docs/contract.md "Fixtures" and docs/contract.md "Quality bars"), in production code: credential and
// cookie headers, AWS signature headers, the provider's configured extra headers, transport
// framing, and every known secret value wherever it appears.
//
// The rule holds by construction (docs/shadow-mode.md, "Redaction"): secrets are removed from
// decoded values. A JSON body is parsed and every string in it (property names included) is
// scrubbed — so an echo the provider escaped (`\u002d`, `\/`) cannot come back in clear when the
// body is parsed later, and the raw request body and the decoded canonical request come out alike.
// Text that is not JSON is scrubbed as text, every known secret in each of its forms
// (core/secret-forms.ts: as is, JSON- or URL-escaped, base64).
import { redactSecretForms } from '../core/secret-forms.ts';
import { REDACTED, redactSecrets, registeredSecrets } from '../core/secrets.ts';

const DROPPED_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'set-cookie']);
// `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`…; not `x-amzn-*` (error type, token counts).
const AWS_SIGNATURE_HEADER = /^x-amz-/;
// Framing describes one connection, not the exchange; the replay frames anew.
const FRAMING_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'content-encoding',
  'te',
  'upgrade',
]);
// Shorter values are too likely to be ordinary text to scrub blindly (same rule as core/secrets).
const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  /** Text that is not a serialized value (a path, a header value, a message). */
  text(input: string): string;
  /** Deep copy of a JSON-like value with every secret occurrence replaced, in strings and property names. */
  value<T>(input: T): T;
  /**
   * A body as kept: JSON is parsed, scrubbed as a value and serialized again when anything was
   * removed (unchanged bytes otherwise); anything else is scrubbed as text.
   */
  body(input: string): string;
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
  const text = (input: string): string => redactSecrets(redactSecretForms(input, known, REDACTED));
  /**
   * A string that is itself a JSON object or array (tool-call `arguments`: a string in the canonical
   * request, an object on the Anthropic and Bedrock wire) is scrubbed as the value it holds, and
   * serialized again only when something was removed — so it comes out as its parsed form does.
   */
  const nested = (input: string, changed: { any: boolean }): string | undefined => {
    const head = input.trimStart()[0];
    if (head !== '{' && head !== '[') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      return undefined;
    }
    const inner = { any: false };
    const scrubbed = scrub(parsed, inner);
    if (!inner.any) return input;
    changed.any = true;
    return JSON.stringify(scrubbed);
  };
  /** The redacted value, and whether anything in it was removed. */
  const scrub = (input: unknown, changed: { any: boolean }): unknown => {
    if (typeof input === 'string') {
      const held = nested(input, changed);
      if (held !== undefined) return held;
      const out = text(input);
      if (out !== input) changed.any = true;
      return out;
    }
    if (Array.isArray(input)) return input.map((item) => scrub(item, changed));
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(input)) {
        const name = scrub(key, changed) as string;
        // Defined, not assigned: a `__proto__` key stays a key.
        Object.defineProperty(out, name, { value: scrub(item, changed), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return input;
  };
  const value = <T>(input: T): T => scrub(input, { any: false }) as T;
  const body = (input: string): string => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      return text(input);
    }
    const changed = { any: false };
    const scrubbed = scrub(parsed, changed);
    return changed.any ? JSON.stringify(scrubbed) : input;
  };
  return {
    text,
    value,
    body,
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
