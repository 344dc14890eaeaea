// The Redis URL of the shared admission store. It may carry credentials
// (`redis://user:password@host:6379`): the password and the whole URL are registered as secrets,
// and the URL prints with its password as `***` (JSON.stringify, util.inspect, template strings).
import { REDACTED, registerSecret } from '../core/secrets.ts';

const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

export const REDIS_URL_PROTOCOLS = ['redis:', 'rediss:'] as const;

export class RedisStoreUrl {
  readonly #raw: string;
  readonly #masked: string;

  /** `raw` must already have passed `redisUrlProblem`. */
  constructor(raw: string) {
    this.#raw = raw;
    const url = new URL(raw);
    if (url.password) {
      registerSecret(url.password);
      registerSecret(decodeURIComponent(url.password));
      registerSecret(raw);
      url.password = REDACTED;
    }
    this.#masked = url.toString();
  }

  reveal(): string {
    return this.#raw;
  }

  toString(): string {
    return this.#masked;
  }

  toJSON(): string {
    return this.#masked;
  }

  [INSPECT_CUSTOM](): string {
    return `RedisStoreUrl(${this.#masked})`;
  }
}

/** What is wrong with a Redis URL, without repeating it (it may hold a password); undefined when fine. */
export function redisUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'admission.store.url is not a URL; write it as redis://[user:password@]host[:port][/db] (or rediss:// for TLS)';
  }
  if (!(REDIS_URL_PROTOCOLS as readonly string[]).includes(url.protocol)) {
    return `admission.store.url must start with redis:// or rediss:// (got "${url.protocol}//")`;
  }
  if (!url.hostname) return 'admission.store.url names no host; write it as redis://host[:port]';
  if (url.pathname && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    return 'admission.store.url path must be a database number (redis://host:6379/0)';
  }
  return undefined;
}
