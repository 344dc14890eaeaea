// What an API key may look like once resolved (docs/engine-rules.md, "Odd input"). A key read from
// a file or a secret store often carries a trailing newline: surrounding whitespace is trimmed, so
// both engines send the same header (fetch-based SDKs trimmed it silently; undici and node:http
// refused the header, retried as a connection error). Whitespace or control characters inside
// the key cannot be a credential: refused here, naming the provider, never the value.
import { ConfigError } from '../core/errors.ts';
import { SecretValue } from './secret-ref.ts';

const INNER_WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

export function normaliseApiKey(secret: SecretValue | undefined, providerName: string): SecretValue | undefined {
  if (secret === undefined) return undefined;
  const raw = secret.reveal();
  const trimmed = raw.trim();
  const source = secret.origin.startsWith('env:') ? ` (environment variable ${secret.origin.slice('env:'.length)})` : '';
  const init = { providerName, solution: `Set the apiKey of provider '${providerName}' to the key itself, with nothing else in it.` };
  if (trimmed === '') throw new ConfigError(`The apiKey of provider '${providerName}'${source} is blank`, init);
  if (INNER_WHITESPACE_OR_CONTROL.test(trimmed)) {
    throw new ConfigError(`The apiKey of provider '${providerName}'${source} contains whitespace or a control character`, init);
  }
  return trimmed === raw ? secret : new SecretValue(trimmed, secret.origin);
}
