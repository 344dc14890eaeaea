// The shared admission store's one warning names what is wrong when Redis cannot be joined for a
// reason other than the network (issue 25, item 9): a wrong or missing password, and a TLS
// mismatch either way (rediss:// to a plain port, redis:// to a TLS-only port) or an untrusted
// certificate — not "no answer within 1000 ms". Against real redis-server processes (one with
// --requirepass, one TLS-only with an openssl-made certificate); no mock of Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionConfigSchema } from '../../src/config/schemas.ts';
import type { Logger } from '../../src/core/logger.ts';
import { createRedisAdmissionStore } from '../../src/models-v2/admission/store/redis-admission-store.ts';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../../src/testing/redis/redis-server.ts';

const available = redisServerAvailable();
const required = Boolean(process.env.CI || process.env.DD_REQUIRE_SHARED);
if (!available && required) {
  throw new Error('redis-server is not installed: this suite needs it (apt-get install redis-server; .ci/run installs it)');
}
const suite = available ? describe : describe.skip;

const PASSWORD = 'right-redis-pw-7731';
const WRONG = 'wrong-redis-pw-5590';

/** The store's warnings for `url`, once it has given up joining. */
async function warningsFor(url: string): Promise<string[]> {
  const warns: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => warns.push(m) };
  const { store: config } = admissionConfigSchema.parse({ store: { type: 'redis', url, keyPrefix: 'creds' } });
  if (config.type !== 'redis') throw new Error('unreachable');
  const store = await createRedisAdmissionStore({ url: config.url, keyPrefix: 'creds', logger });
  try {
    expect(store.status()).toMatchObject({ connected: false });
    return warns;
  } finally {
    await store.close();
  }
}

suite('admission store: credentials and TLS problems are named', () => {
  let guarded: RedisServer;
  let tls: RedisServer;
  beforeAll(async () => {
    guarded = await startRedisServer({ password: PASSWORD });
    tls = await startRedisServer({ tls: true });
  });
  afterAll(async () => {
    await guarded?.stop();
    await tls?.stop();
  });

  it('a wrong password: Redis refused the credentials (WRONGPASS), the password never shown', async () => {
    const warns = await warningsFor(`redis://:${WRONG}@127.0.0.1:${guarded.port}`);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/WRONGPASS/);
    expect(warns[0]).toMatch(/password/);
    expect(warns[0]).not.toMatch(/no answer within/);
    expect(warns[0]).not.toContain(WRONG);
  });

  it('no password where Redis requires one: NOAUTH, and the URL needs a password', async () => {
    const warns = await warningsFor(`redis://127.0.0.1:${guarded.port}`);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/NOAUTH/);
    expect(warns[0]).toMatch(/password/);
    expect(warns[0]).not.toMatch(/no answer within/);
  });

  it('rediss:// to a port without TLS: a TLS mismatch', async () => {
    const warns = await warningsFor(`rediss://:${PASSWORD}@127.0.0.1:${guarded.port}`);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/TLS/);
    expect(warns[0]).toMatch(/redis:\/\//);
    expect(warns[0]).not.toMatch(/no answer within/);
    expect(warns[0]).not.toContain(PASSWORD);
  });

  it('redis:// to a TLS-only port: a TLS mismatch, use rediss://', async () => {
    const warns = await warningsFor(`redis://127.0.0.1:${tls.port}`);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/TLS/);
    expect(warns[0]).toMatch(/rediss:\/\//);
    expect(warns[0]).not.toMatch(/no answer within/);
  });

  it('rediss:// to a server whose certificate is not trusted: the certificate is named', async () => {
    const warns = await warningsFor(tls.url);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/TLS/);
    expect(warns[0]).toMatch(/certificate/);
    expect(warns[0]).not.toMatch(/no answer within/);
  });
});
