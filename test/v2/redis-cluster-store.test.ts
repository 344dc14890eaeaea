// The shared admission store against a real Redis Cluster (issue 28): 3 primaries with a replica
// each, started from redis-server on loopback ports by src/testing/redis/redis-cluster.ts and
// stopped after the file — no mock of Redis. Two registries in one process act as two workers.
// Mid-run a domain's slot is migrated to another primary, and (separately) the primary serving it
// is SIGKILLed so its replica takes over: no call fails, no lease is left behind.
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionConfigSchema } from '../../src/config/schemas.ts';
import { type Logger, silentLogger } from '../../src/core/logger.ts';
import { createModelRegistry } from '../../src/index.ts';
import { keySlot } from '../../src/models-v2/admission/store/redis-connection.ts';
import { createRedisAdmissionStore, LEASE_TTL_MS } from '../../src/models-v2/admission/store/redis-admission-store.ts';
import { startFakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { type DelayProxy, startDelayProxy } from '../../src/testing/network/delay-proxy.ts';
import { freePort } from '../../src/testing/redis/redis-server.ts';
import { type RedisClusterHandle, redisClusterToolsAvailable, startRedisCluster } from '../../src/testing/redis/redis-cluster.ts';
import { acquireAndRelease, timersLeftBy } from './live-timers.ts';

const available = redisClusterToolsAvailable();
const required = Boolean(process.env.CI || process.env.DD_REQUIRE_SHARED);
if (!available && required) {
  throw new Error('redis-server and redis-cli are not installed: the Redis Cluster suite needs them (.ci/run installs redis-server)');
}
const suite = available ? describe : describe.skip;
if (!available) console.warn('redis-server/redis-cli not found: skipping the Redis Cluster suite');

const PASSWORD = 'cluster-planted-pw-8842';
let cluster: RedisClusterHandle;
let probe: ReturnType<typeof makeProbe>;
const makeProbe = () => createCluster({ rootNodes: [{ url: cluster.url }], defaults: { password: PASSWORD }, RESP: 3 });
let prefixCount = 0;
const prefix = () => `cl${prefixCount++}`;

function capturing(): Logger & { warns: string[]; infos: string[] } {
  const warns: string[] = [];
  const infos: string[] = [];
  return { warns, infos, debug: () => {}, info: (m) => infos.push(m), warn: (m) => warns.push(m) };
}

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function clusterStore(keyPrefix: string) {
  return { type: 'redis' as const, url: cluster.url, mode: 'cluster' as const, nodes: cluster.nodes.slice(1, 3), keyPrefix };
}

async function openStore(store: Record<string, unknown>, logger: Logger = silentLogger) {
  const { store: config } = admissionConfigSchema.parse({ store });
  if (config.type !== 'redis') throw new Error('unreachable');
  return createRedisAdmissionStore({ ...config, logger });
}

function worker(endpoint: string, keyPrefix: string, maxParallelRequests: number, logger: Logger = silentLogger) {
  return createModelRegistry(
    {
      providers: [{ name: 'limited', endpoint, providerType: 'openai', apiKey: 'fake-key-not-a-secret' }],
      models: [{ alias: 'rows', model: 'gpt-4o-mini', provider: 'limited', inferenceParameters: { maxParallelRequests } }],
      admission: { store: clusterStore(keyPrefix) },
    },
    { engine: 'v2', env: {}, logger },
  );
}

/** Every key under `keyPrefix`, from every primary (a cluster's KEYS is per node). */
async function keysOf(keyPrefix: string): Promise<string[]> {
  const found = await Promise.all(probe.masters.map(async (master) => (await probe.nodeClient(master)).keys(`${keyPrefix}:*`)));
  return found.flat();
}

/** Leases not yet expired on the server's clock, in the domain whose state key is `stateKey`. */
async function liveLeases(stateKey: string): Promise<number> {
  const leases = `${stateKey.slice(0, -':state'.length)}:leases`;
  const script = "local t = redis.call('TIME'); return redis.call('ZCOUNT', KEYS[1], t[1] * 1000 + math.floor(t[2] / 1000), '+inf')";
  return Number(await probe.sendCommand(leases, false, ['EVAL', script, '1', leases]));
}

async function run(registries: ReturnType<typeof worker>[], calls: number) {
  return Promise.allSettled(
    registries.flatMap((registry) =>
      Array.from({ length: calls }, async (_, i) =>
        (await registry.getClient('rows')).chat({ model: '', messages: [{ role: 'user', content: `row ${i}` }], max_tokens: 8 }),
      ),
    ),
  );
}

interface MidRun {
  loggers: ReturnType<typeof capturing>[];
  registries: ReturnType<typeof worker>[];
  /** The shared state key of the run's one domain, and its slot. */
  state: string;
  slot: number;
  /** The port of the primary serving the slot after the event. */
  after: number;
}

/**
 * Two workers run `calls` calls each through the cluster; once 40 reached the provider, `event`
 * moves the domain's slot to another primary (and returns its port). Every call must succeed and
 * the run must go on while the event plays out; then `check` looks at what is left.
 */
async function duringRun(calls: number, event: (slot: number) => Promise<number>, check: (run: MidRun) => Promise<void>) {
  const provider = await startFakeProvider({ latencyMs: 20 });
  const keyPrefix = prefix();
  const loggers = [capturing(), capturing()];
  const registries = loggers.map((logger) => worker(provider.endpoints.openai, keyPrefix, 6, logger));
  try {
    const pending = run(registries, calls);
    await until(() => provider.stats().requests > 40, 15_000);
    const [state] = (await keysOf(keyPrefix)).filter((key) => key.endsWith(':state'));
    const slot = await cluster.keySlot(state!);
    const before = await cluster.primaryOf(slot);
    const requestsAtEvent = provider.stats().requests;
    const after = await event(slot);
    expect(after).not.toBe(before);
    expect((await pending).filter((r) => r.status === 'rejected')).toEqual([]);
    // Calls were still being made while the event played out (it did happen mid-run).
    expect(provider.stats().requests).toBeGreaterThan(requestsAtEvent);
    await check({ loggers, registries, state: state!, slot, after });
  } finally {
    await Promise.all(registries.map((r) => r.close()));
    await provider.close();
  }
}

suite('shared admission store on a Redis Cluster (3 primaries + replicas, real redis-server)', () => {
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicas: 1, password: PASSWORD });
    probe = makeProbe();
    probe.on('error', () => {});
    await probe.connect();
  }, 60_000);
  afterAll(async () => {
    probe?.destroy();
    await cluster?.stop();
  });

  it('the slot of a key is the one Redis computes (hash tag, empty tag, no tag)', async () => {
    for (const key of ['dd:admission:{0123abcd:chat}:state', 'plain-key', 'a{}b', '{user1000}.following', 'x{a}{b}', 'ü{é}']) {
      expect(keySlot(key), key).toBe(await cluster.keySlot(key));
    }
  });

  it('two workers share one limit; every key of a domain lands on one slot of one primary', async () => {
    const keyPrefix = prefix();
    const stores = await Promise.all([0, 1].map(() => openStore(clusterStore(keyPrefix))));
    try {
      const domains = stores.map(
        (store) => store.domain({ providerType: 'openai', endpoint: 'http://provider.invalid/v1', model: 'gpt-x', domain: 'chat' }, 8)!,
      );
      expect(stores.map((s) => s.status())).toEqual([0, 1].map(() => expect.objectContaining({ type: 'redis', connected: true })));
      const replies = await Promise.all(domains.flatMap((d) => Array.from({ length: 5 }, () => d.acquire([0], 4))));
      const held = replies.flatMap((r, i) => (r?.grants ?? []).map((g) => ({ domain: domains[Math.floor(i / 5)]!, id: g.id })));
      expect(held).toHaveLength(4);
      expect(await domains[1]!.acquire([0], 4)).toMatchObject({ grants: [], stop: 'full', limit: 4 });
      await held[0]!.domain.release(held[0]!.id, {});
      expect((await domains[1]!.acquire([0], 4))?.grants).toHaveLength(1);

      const keys = await keysOf(keyPrefix);
      expect(keys.length).toBeGreaterThanOrEqual(4);
      const slots = new Set(await Promise.all(keys.map((key) => cluster.keySlot(key))));
      expect(slots.size).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("a release hands the freed slot to another worker's waiter through the cluster (pushed on its channel, no poll)", async () => {
    const keyPrefix = prefix();
    const [a, b] = await Promise.all([0, 1].map(() => openStore({ ...clusterStore(keyPrefix) })));
    try {
      const key = { providerType: 'openai', endpoint: 'http://provider.invalid/v1', model: 'gpt-x', domain: 'chat' as const };
      const [da, db] = [a.domain(key, 8)!, b.domain(key, 8)!];
      const pushed: string[] = [];
      db.onGrant((lease) => pushed.push(lease.id));
      const [held] = (await da.acquire([0], 1))!.grants;
      // b joins the fleet's queue; only a's release can hand it the slot (b never asks again here).
      expect(await db.acquire([0], 1)).toMatchObject({ grants: [], stop: 'full' });
      await da.release(held!.id, {});
      const started = Date.now();
      while (pushed.length === 0 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(pushed).toHaveLength(1);
      expect(pushed[0]).not.toBe(held!.id);
      // The slot is b's now: a, asking again, finds the fleet full.
      expect(await da.acquire([0], 1)).toMatchObject({ grants: [], stop: 'full' });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a store command that has finished leaves no timer running behind it, routed through the cluster client too', async () => {
    const store = await openStore(clusterStore(prefix()));
    try {
      const domain = store.domain({ providerType: 'openai', endpoint: 'http://provider.invalid/v1', model: 'gpt-x', domain: 'chat' }, 8)!;
      await acquireAndRelease(domain, 1);
      expect(await timersLeftBy(() => acquireAndRelease(domain, 100))).toBeLessThan(5);
    } finally {
      await store.close();
    }
  });

  it('nodes reached at other addresses than they announce (nodeAddressMap): every primary is used through its mapped address', async () => {
    const keyPrefix = prefix();
    const proxies: DelayProxy[] = [];
    const nodeAddressMap: Record<string, string> = {};
    try {
      for (const node of cluster.nodes) {
        const split = node.lastIndexOf(':');
        const proxy = await startDelayProxy({ host: node.slice(0, split), port: Number(node.slice(split + 1)) }, 0);
        proxies.push(proxy);
        nodeAddressMap[node] = `127.0.0.1:${proxy.port}`;
      }
      const seed = `redis://:${encodeURIComponent(PASSWORD)}@${nodeAddressMap[cluster.nodes[0]!]}`;
      const stores = await Promise.all(
        [0, 1].map(() => openStore({ type: 'redis', url: seed, mode: 'cluster', keyPrefix, nodeAddressMap })),
      );
      try {
        expect(stores.map((s) => s.status())).toEqual([0, 1].map(() => expect.objectContaining({ connected: true })));
        const key = { providerType: 'openai', endpoint: 'http://provider.invalid/v1', model: 'gpt-x', domain: 'chat' as const };
        const [a, b] = stores.map((store) => store.domain(key, 8)!);
        expect((await a!.acquire([0, 0], 2))?.grants).toHaveLength(2);
        expect(await b!.acquire([0], 2)).toMatchObject({ grants: [], stop: 'full', limit: 2 });
        // The client connects to every primary: each through its mapped address, none as announced.
        const primaries = cluster.nodes.slice(0, 3);
        for (const node of primaries) expect(proxies[cluster.nodes.indexOf(node)]!.connections, node).toBeGreaterThan(0);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    }
  });

  it('the URL names a node that is down: the seed nodes are tried and the store joins the cluster', async () => {
    const dead = `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${await freePort()}`;
    const store = await openStore({ ...clusterStore(prefix()), url: dead, nodes: cluster.nodes.slice(0, 2) });
    try {
      expect(store.status()).toMatchObject({ type: 'redis', connected: true });
    } finally {
      await store.close();
    }
  });

  it('a slot migration mid-run: no call fails, no fallback, the state moves with the slot, no lease left behind', async () => {
    await duringRun(
      150,
      (slot) => cluster.migrateSlot(slot),
      async ({ loggers, registries, state, slot, after }) => {
        // No cluster reply (MOVED, ASK, TRYAGAIN, NOSCRIPT from the new owner) made a worker fall
        // back. A connect or command slower than its bound (1 s, 500 ms) is this overloaded test
        // machine, not the move.
        expect(loggers.flatMap((l) => l.warns).filter((w) => !/unavailable \(no answer within \d+ ms\)/.test(w))).toEqual([]);
        expect(await cluster.primaryOf(slot)).toBe(after);
        const snapshots = await Promise.all(registries.map(async (r) => (await r.admissionSnapshot()).find((s) => s.domain === 'chat')!));
        expect(snapshots.map((s) => s.store)).toEqual([0, 1].map(() => expect.objectContaining({ connected: true })));
        // Every lease was released on the primary that owns the slot now.
        expect(await liveLeases(state)).toBe(0);
      },
    );
  }, 60_000);

  it('a wrong password for the cluster: Redis refused the credentials (WRONGPASS), never "no answer", the password never shown', async () => {
    const wrong = 'cluster-wrong-pw-3371';
    const warns: string[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => warns.push(m) };
    const store = await openStore({ ...clusterStore(prefix()), url: cluster.url.replace(encodeURIComponent(PASSWORD), wrong) }, logger);
    try {
      expect(store.status()).toMatchObject({ connected: false });
      expect(warns).toHaveLength(1);
      expect(warns[0]).toMatch(/WRONGPASS/);
      expect(warns[0]).not.toMatch(/no answer within/);
      expect(warns[0]).not.toContain(wrong);
    } finally {
      await store.close();
    }
  });

  it("the domain's primary killed mid-run: its replica takes over, no call fails, the workers rejoin, no lease left behind", async () => {
    await duringRun(
      400,
      (slot) => cluster.killPrimaryOf(slot),
      async ({ loggers, registries, state }) => {
        // At most one warning per worker for the outage, and each one back on the cluster.
        for (const logger of loggers) expect(logger.warns.length).toBeLessThanOrEqual(1);
        await until(async () => {
          const snapshots = await Promise.all(registries.map(async (r) => (await r.admissionSnapshot())[0]!.store));
          return snapshots.every((store) => (store as { connected?: boolean }).connected === true);
        }, 15_000);
        const after = await run(registries, 20);
        expect(after.filter((r) => r.status === 'rejected')).toEqual([]);
        // Leases held when the primary died expire (6 s); every later one was released.
        // (The probe's own client may still be finding the new primary: an error is "not yet".)
        await until(async () => (await liveLeases(state).catch(() => -1)) === 0, LEASE_TTL_MS + 2_000);
        for (const text of loggers.flatMap((l) => [...l.warns, ...l.infos])) expect(text).not.toContain(PASSWORD);
      },
    );
  }, 90_000);
});
