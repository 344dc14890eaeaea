// What the recorder removes before anything reaches disk (docs/contract.md "Fixtures" and docs/contract.md "Quality bars"): credential headers,
// cookies, and every configured secret value wherever it appears in headers or bodies — by the
// same redactor shadow mode keeps exchanges with (src/shadow/exchange-redaction.ts).
import { resolveProvider, type DataDesignerConfig } from '../../config/schemas.ts';
import { registeredSecrets } from '../../core/secrets.ts';
import { createRedactor } from '../../shadow/exchange-redaction.ts';

// Environment variables that hold credentials in the AWS and provider tool chains.
const SECRET_ENV_VARS = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_BEARER_TOKEN_BEDROCK',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
];

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

/**
 * The recorder's scrubber is shadow mode's production redactor (one set of rules for everything
 * that keeps an exchange), taking the header shapes the recorder sees.
 */
export function createScrubber(secrets: readonly string[], dropHeaders: Iterable<string> = []): Scrubber {
  const redactor = createRedactor(secrets, dropHeaders);
  return {
    value: redactor.value,
    headers(headers) {
      const entries: [string, string][] =
        headers instanceof Headers
          ? [...headers.entries()]
          : Object.entries(headers).flatMap(([k, v]) =>
              v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]],
            );
      return redactor.headers(Object.fromEntries(entries));
    },
  };
}
