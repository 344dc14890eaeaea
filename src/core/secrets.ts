import { AUTH_SCHEME_PREFIX } from './credential-headers.ts';
import { isCredentialHeaderName } from './is-credential-header.ts';
import { redactSecretForms } from './secret-forms.ts';

// Every resolved secret value is registered here so that any text headed for a log, an error
// or a report can be scrubbed, whatever path the value took to get there.

const registered = new Set<string>();
/**
 * Secrets of calls (a call's credential headers), oldest first, each with the number of calls
 * holding it. Values no call holds any more are evicted beyond MAX_PER_CALL_SECRETS, so a caller
 * sending a fresh token on every call does not grow this without limit — and a value is never
 * evicted while a call that sent it can still get an echo back. Config and AWS credentials live
 * in `registered` and are never evicted.
 */
const perCall = new Map<string, number>();
export const MAX_PER_CALL_SECRETS = 1024;

// Values shorter than this are too likely to collide with ordinary words to scrub safely.
const MIN_SECRET_LENGTH = 4;

export const REDACTED = '***';

export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

/**
 * Registers the values of credential-named headers (docs/engine-rules.md, Secrets): the whole
 * value, and for `Bearer <token>`-style values the token alone too. Other headers are left alone.
 */
export function registerHeaderSecrets(headers: Readonly<Record<string, unknown>> | undefined | null): void {
  for (const value of credentialHeaderValues(headers)) registerSecret(value);
}

/**
 * The same for one call's `extra_headers`, held until the returned release is called (once the
 * call, or the attempt, has settled and its errors are built).
 */
export function registerCallHeaderSecrets(headers: Readonly<Record<string, unknown>> | undefined | null): () => void {
  const values = credentialHeaderValues(headers).filter((value) => !registered.has(value));
  if (values.length === 0) return noRelease;
  for (const value of values) {
    const holders = perCall.get(value) ?? 0;
    // Re-inserted: a value seen again is the newest.
    perCall.delete(value);
    perCall.set(value, holders + 1);
  }
  evictUnheld();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const value of values) {
      const holders = perCall.get(value);
      if (holders !== undefined) perCall.set(value, Math.max(0, holders - 1));
    }
    evictUnheld();
  };
}

const noRelease = (): void => {};

function evictUnheld(): void {
  if (perCall.size <= MAX_PER_CALL_SECRETS) return;
  for (const [value, holders] of perCall) {
    if (perCall.size <= MAX_PER_CALL_SECRETS) return;
    if (holders === 0) perCall.delete(value);
  }
}

function credentialHeaderValues(headers: Readonly<Record<string, unknown>> | undefined | null): string[] {
  if (!headers || typeof headers !== 'object') return [];
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || !isCredentialHeaderName(name)) continue;
    const trimmed = value.trim();
    for (const candidate of [trimmed, trimmed.replace(AUTH_SCHEME_PREFIX, '')]) {
      if (candidate.length >= MIN_SECRET_LENGTH) values.push(candidate);
    }
  }
  return values;
}

/** The parts of resolved AWS credentials that could ever be echoed or printed. */
export function registerAwsCredentialSecrets(
  identity: { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown } | undefined | null,
): void {
  if (!identity) return;
  for (const value of [identity.accessKeyId, identity.secretAccessKey, identity.sessionToken]) {
    if (typeof value === 'string') registerSecret(value);
  }
}

export function registeredSecrets(): readonly string[] {
  return [...registered, ...perCall.keys()];
}

// Credentials that may reach us without having been registered (e.g. echoed by a provider).
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi,
  /(x-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /(x-amz-security-token["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /(Signature=)[0-9a-f]{16,}/g,
  /(Credential=)[A-Z0-9]{16,}/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  /()\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{12,}/g,
  // The password of URL credentials (`https://user:pass@host`).
  /(\/\/[^\s/:@]*:)[^\s/@]+(?=@)/g,
];

/** Every secret, longest first (so one that contains another is removed whole); rebuilt only after a change. */
let sortedCache: string[] | undefined;
let cachedSizes = '';

function sortedSecrets(): string[] {
  // Sets only grow or evict one for one, so their sizes plus the newest per-call entry say whether anything changed.
  const key = `${registered.size}/${perCall.size}/${[...perCall.keys()].at(-1) ?? ''}`;
  if (sortedCache === undefined || key !== cachedSizes) {
    sortedCache = [...registered, ...perCall.keys()].sort((a, b) => b.length - a.length);
    cachedSizes = key;
  }
  return sortedCache;
}

/**
 * Every registered secret in any of its forms (as is, JSON- or URL-escaped, base64: core/secret-forms.ts),
 * then every credential pattern. Text that is a serialized value (JSON) is to be parsed and
 * scrubbed per string (redactDeep), not as text: see docs/engine-rules.md, Secrets.
 */
export function redactSecrets(text: string): string {
  let out = redactSecretForms(text, sortedSecrets(), REDACTED);
  for (const pattern of CREDENTIAL_PATTERNS) {
    out = out.replace(pattern, (_match, prefix: string) => `${prefix ?? ''}${REDACTED}`);
  }
  return out;
}

/** Deep copy of a JSON-like value with every string scrubbed, property names included. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Defined, not assigned: a `__proto__` key stays a key.
      Object.defineProperty(out, redactSecrets(key), { value: redactDeep(item), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
}
