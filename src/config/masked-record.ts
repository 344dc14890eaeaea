// Header maps and environment maps in the config may hold credentials (`api-key: …`,
// `GITHUB_TOKEN: …`). The values stay plain strings — engines spread and send them — but the map
// prints with every credential-named value as `***` through JSON.stringify and util.inspect, and
// those values are registered as secrets so no log or error can carry them either.
import { inspect } from 'node:util';
import { isCredentialHeaderName } from '../core/is-credential-header.ts';
import { REDACTED, registerHeaderSecrets } from '../core/secrets.ts';

function masked(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, isCredentialHeaderName(name) ? REDACTED : value]));
}

/**
 * A copy of `record` that prints masked. The printing hooks are non-enumerable: `Object.keys`,
 * spreads and `Object.entries` see only the entries, and a spread copy is an ordinary object.
 */
export function maskCredentialValues(record: Readonly<Record<string, string>>): Record<string, string> {
  registerHeaderSecrets(record);
  const copy: Record<string, string> = { ...record };
  Object.defineProperty(copy, 'toJSON', { value: () => masked(copy), enumerable: false });
  Object.defineProperty(copy, inspect.custom, {
    value: (depth: number, options: object) => inspect(masked(copy), { ...options, depth }),
    enumerable: false,
  });
  return copy;
}
