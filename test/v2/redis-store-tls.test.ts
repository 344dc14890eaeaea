// The shared admission store over TLS (issue 28): `rediss://` against a real TLS-only
// redis-server (`--port 0 --tls-port …`) whose certificate for 127.0.0.1 is signed by a private CA
// the test makes with openssl (src/testing/redis/test-certificates.ts). With the CA given in
// `admission.store.tls.caFile` the store verifies the server (chain and host) and shares admission;
// without it, or with another CA, the certificate is named as untrusted and the warning says where
// the CA goes; a wrong password over TLS is a refused password. No secret in any message. The
// same against a Redis Cluster whose nodes speak TLS only (clients, bus and replication).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionConfigSchema } from '../../src/config/schemas.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { AdmissionStore } from '../../src/models-v2/admission/store/admission-store.ts';
import { createRedisAdmissionStore } from '../../src/models-v2/admission/store/redis-admission-store.ts';
import { type RedisClusterHandle, redisClusterToolsAvailable, startRedisCluster } from '../../src/testing/redis/redis-cluster.ts';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../../src/testing/redis/redis-server.ts';
import { makeCertificateAuthority } from '../../src/testing/redis/test-certificates.ts';

const available = redisServerAvailable() && redisClusterToolsAvailable();
const required = Boolean(process.env.CI || process.env.DD_REQUIRE_SHARED);
if (!available && required) {
  throw new Error('redis-server and redis-cli are not installed: the TLS store suite needs them (.ci/run installs redis-server)');
}
const suite = available ? describe : describe.skip;

const PASSWORD = 'tls-planted-pw-6604';
const WRONG = 'tls-wrong-pw-1187';

async function open(store: Record<string, unknown>) {
  const warns: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => warns.push(m) };
  const { store: config } = admissionConfigSchema.parse({ store: { type: 'redis', keyPrefix: 'tls', ...store } });
  if (config.type !== 'redis') throw new Error('unreachable');
  return { store: await createRedisAdmissionStore({ ...config, logger }), warns };
}

/** Two workers asking for 3 slots each of a limit of 4 get 4 together, then none. */
async function expectOneSharedLimit(a: AdmissionStore, b: AdmissionStore): Promise<void> {
  const key = { providerType: 'openai', endpoint: 'http://provider.invalid/v1', model: 'gpt-x', domain: 'chat' as const };
  const [da, db] = [a.domain(key, 8)!, b.domain(key, 8)!];
  const replies = await Promise.all([da.acquire([0, 0, 0], 4), db.acquire([0, 0, 0], 4)]);
  expect(replies.reduce((sum, r) => sum + (r?.grants.length ?? 0), 0)).toBe(4);
  expect(await db.acquire([0], 4)).toMatchObject({ grants: [], stop: 'full' });
}

async function warningsFor(store: Record<string, unknown>): Promise<string[]> {
  const opened = await open(store);
  try {
    expect(opened.store.status()).toMatchObject({ connected: false });
    return opened.warns;
  } finally {
    await opened.store.close();
  }
}

suite('admission store over TLS (rediss://, a private CA, real redis-server)', () => {
  let server: RedisServer;
  let otherDir: string;
  let otherCa: string;
  beforeAll(async () => {
    server = await startRedisServer({ tls: 'ca', password: PASSWORD });
    otherDir = mkdtempSync(join(tmpdir(), 'dd-other-ca-'));
    otherCa = makeCertificateAuthority(otherDir, 'another-ca').caFile;
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    if (otherDir) rmSync(otherDir, { recursive: true, force: true });
  });

  it('with the CA in tls.caFile: the server is verified and two workers share one limit over TLS', async () => {
    expect(server.url).toMatch(/^rediss:\/\//);
    const a = await open({ url: server.url, tls: { caFile: server.caFile } });
    const b = await open({ url: server.url, tls: { caFile: server.caFile } });
    try {
      expect([a.warns, b.warns]).toEqual([[], []]);
      expect([a.store.status(), b.store.status()]).toEqual([0, 1].map(() => expect.objectContaining({ connected: true })));
      await expectOneSharedLimit(a.store, b.store);
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('without the CA: the certificate is named as not trusted, and the warning says where the CA goes', async () => {
    const warns = await warningsFor({ url: server.url });
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/TLS/);
    expect(warns[0]).toMatch(/certificate/);
    expect(warns[0]).toMatch(/admission\.store\.tls\.caFile/);
    expect(warns[0]).not.toMatch(/no answer within/);
    expect(warns[0]).not.toContain(PASSWORD);
  });

  it("with another CA's file: still not trusted", async () => {
    const warns = await warningsFor({ url: server.url, tls: { caFile: otherCa } });
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/certificate/);
    expect(warns[0]).not.toMatch(/no answer within/);
  });

  it('the right CA and a wrong password: Redis refused the credentials (WRONGPASS), the password never shown', async () => {
    const warns = await warningsFor({ url: `rediss://:${WRONG}@127.0.0.1:${server.port}`, tls: { caFile: server.caFile } });
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/WRONGPASS/);
    expect(warns[0]).not.toMatch(/no answer within/);
    expect(warns[0]).not.toContain(WRONG);
  });

  it('redis:// to the TLS-only port: a TLS mismatch that names rediss://', async () => {
    const warns = await warningsFor({ url: `redis://:${PASSWORD}@127.0.0.1:${server.port}` });
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/TLS mismatch/);
    expect(warns[0]).toMatch(/rediss:\/\//);
    expect(warns[0]).not.toContain(PASSWORD);
  });
});

suite('admission store on a Redis Cluster over TLS (3 TLS-only primaries, a private CA)', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, password: PASSWORD, tls: true });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('with the CA in tls.caFile: every node is verified and two workers share one limit', async () => {
    const store = { url: cluster.url, mode: 'cluster', tls: { caFile: cluster.caFile } };
    const a = await open(store);
    const b = await open(store);
    try {
      expect([a.warns, b.warns]).toEqual([[], []]);
      await expectOneSharedLimit(a.store, b.store);
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('without the CA: the certificate is named as not trusted, the password never shown', async () => {
    const warns = await warningsFor({ url: cluster.url, mode: 'cluster' });
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/certificate/);
    expect(warns[0]).toMatch(/admission\.store\.tls\.caFile/);
    expect(warns[0]).not.toMatch(/no answer within/);
    expect(warns[0]).not.toContain(PASSWORD);
  });
});
