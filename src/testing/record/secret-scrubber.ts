// What the recorder removes before anything reaches disk (SPEC §10, §13): credential headers,
// cookies, and every configured secret value wherever it appears in headers or bodies.
import { resolveProvider, type DataDesignerConfig } from '../../config/schemas.ts';
import { REDACTED, redactSecrets, registeredSecrets } from '../../core/secrets.ts';

// Credentials and cookies: dropped whole, whatever their value.
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'set-cookie']);
// `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`…; not `x-amzn-*` (error type, token counts).
const AWS_SIGNATURE_HEADER = /^x-amz-/;
// Transport framing describes one connection, not the exchange; the replay server frames anew.
const FRAMING_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding', 'te', 'upgrade']);

// Environment variables that hold credentials in the AWS and provider tool chains.
const SECRET_ENV_VARS = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_BEARER_TOKEN_BEDROCK', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY'];

// Shorter values are too likely to be ordinary text to scrub blindly (same rule as core/secrets).
const MIN_SECRET_LENGTH = 4;

/** Every secret value the config and environment hand the engines. */
export function collectSecrets(config: DataDesignerConfig, env: Record<string, string | undefined> = process.env): string[] {
  const values = new Set<string>(registeredSecrets());
  for (const provider of config.providers) {
    const key = resolveProvider(provider, env).apiKey?.reveal();
    if (key) values.add(key);
  }
  for (const server of config.mcpServers) {
    if (server.transport === 'streamable_http' && server.apiKey) {
      const reference = server.apiKey.reveal();
      values.add(env[reference] ?? reference);
    }
  }
  for (const name of SECRET_ENV_VARS) {
    const value = env[name];
    if (value) values.add(value);
  }
  return [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Header names the config adds to every request (provider extraHeaders): configuration, not
 * traffic, and often a credential (`api-key`, a gateway key), so they never reach a fixture.
 */
export function configuredHeaderNames(config: DataDesignerConfig): string[] {
  return config.providers.flatMap((provider) => Object.keys(provider.extraHeaders ?? {}).map((name) => name.toLowerCase()));
}

export interface Scrubber {
  /** Deep copy of a JSON-like value with every secret occurrence replaced by `***`. */
  value<T>(value: T): T;
  /** Headers without credentials, cookies or framing; remaining values scrubbed. */
  headers(headers: Record<string, string | string[] | undefined> | Headers): Record<string, string>;
}

export function createScrubber(secrets: readonly string[], dropHeaders: Iterable<string> = []): Scrubber {
  const dropped = new Set([...dropHeaders].map((name) => name.toLowerCase()));
  const text = (input: string): string => {
    let out = input;
    // Longest first (collectSecrets sorts), so a secret containing another goes whole.
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
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
    value,
    headers(headers) {
      const entries: [string, string][] =
        headers instanceof Headers
          ? [...headers.entries()]
          : Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]]));
      const out: Record<string, string> = {};
      for (const [rawName, raw] of entries) {
        const name = rawName.toLowerCase();
        if (CREDENTIAL_HEADERS.has(name) || AWS_SIGNATURE_HEADER.test(name) || FRAMING_HEADERS.has(name) || dropped.has(name)) continue;
        out[name] = text(raw);
      }
      return out;
    },
  };
}
