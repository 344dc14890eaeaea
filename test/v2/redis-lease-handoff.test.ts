// The hand-off of a freed lease to a waiting worker (issue 28; docs/engine-rules.md "Shared
// admission store"), against a real redis-server — no mock of Redis. A worker that listens for
// grants waits in the fleet's queue: a release hands the slot straight to the oldest waiter (one
// slot per worker per turn), pushed on the waiter's channel, with no poll and no new acquisition;
// a waiter that stops renewing its place gets nothing; a worker passes a lease to its own next
// attempt without a round trip. Waits are bounded polls, not fixed sleeps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admissionConfigSchema } from '../../src/config/schemas.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createModelRegistry } from '../../src/index.ts';
import type { SharedAdmissionDomain, SharedLease } from '../../src/models-v2/admission/store/admission-store.ts';
import { WAITER_TTL_MS } from '../../src/models-v2/admission/store/redis-admission-scripts.ts';
import { createRedisAdmissionStore, LEASE_TTL_MS, timeStoreCommands } from '../../src/models-v2/admission/store/redis-admission-store.ts';
import { startFakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../../src/testing/redis/redis-server.ts';

const available = redisServerAvailable();
if (!available && (process.env.CI || process.env.DD_REQUIRE_SHARED)) {
  throw new Error('redis-server is not installed: the lease hand-off suite needs it (apt-get install redis-server; .ci/run installs it)');
}
const suite = available ? describe : describe.skip;

let server: RedisServer;
let prefixCount = 0;
const prefix = () => `handoff${prefixCount++}`;
/** Every worker a test opens, closed after it. */
const opened: { close(): Promise<void> }[] = [];

async function worker(keyPrefix: string) {
  const { store: config } = admissionConfigSchema.parse({ store: { type: 'redis', url: server.url, keyPrefix } });
  if (config.type !== 'redis') throw new Error('unreachable');
  const store = await createRedisAdmissionStore({ url: config.url, keyPrefix, logger: silentLogger });
  opened.push(store);
  const domain = store.domain({ providerType: 'openai', endpoint: 'http://provider.invalid/v1', model: 'gpt-x', domain: 'chat' }, 8)!;
  return { store, domain };
}

/** A worker that takes grants pushed to it (it waits in the fleet's queue), recording each. */
async function listeningWorker(keyPrefix: string) {
  const w = await worker(keyPrefix);
  const pushed: SharedLease[] = [];
  w.domain.onGrant((lease) => pushed.push(lease));
  return { ...w, pushed };
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function held(domain: SharedAdmissionDomain, count: number, limit: number): Promise<SharedLease[]> {
  const reply = await domain.acquire(
    Array.from({ length: count }, () => 0),
    limit,
  );
  return reply?.grants ?? [];
}

suite('lease hand-off through the fleet queue (real redis-server)', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('a release hands the slot straight to the waiting worker: pushed to it, no new acquisition, never above the limit', async () => {
    const keyPrefix = prefix();
    const holder = await worker(keyPrefix);
    const waiter = await listeningWorker(keyPrefix);
    const leases = await held(holder.domain, 2, 2);
    expect(leases).toHaveLength(2);
    expect(await waiter.domain.acquire([0, 0, 0], 2)).toMatchObject({ grants: [], stop: 'full' });
    // The holder frees one: the waiter gets it without asking again (it never calls acquire here).
    const reply = await holder.domain.release(leases[0]!.id, {});
    expect(reply).toMatchObject({ grants: [], queued: false });
    await until(() => waiter.pushed.length === 1, 2_000);
    expect(waiter.pushed[0]!.id).toMatch(/:\d+$/);
    // The slot changed hands: the fleet is full again, for the holder as for anyone.
    expect(await holder.domain.acquire([0], 2)).toMatchObject({ grants: [], stop: 'full', inFlight: 2 });
    // The waiter still waits for two more: the next freed slot is pushed to it too.
    await holder.domain.release(leases[1]!.id, {});
    await until(() => waiter.pushed.length === 2, 2_000);
  });

  it('two waiting workers take turns: one slot each per turn, oldest first, whatever each asked for', async () => {
    const keyPrefix = prefix();
    const holder = await worker(keyPrefix);
    const first = await listeningWorker(keyPrefix);
    const second = await listeningWorker(keyPrefix);
    const leases = await held(holder.domain, 4, 4);
    expect((await first.domain.acquire([0, 0, 0, 0], 4))?.stop).toBe('full');
    expect((await second.domain.acquire([0, 0], 4))?.stop).toBe('full');
    for (const lease of leases.slice(0, 3)) await holder.domain.release(lease.id, {});
    await until(() => first.pushed.length + second.pushed.length === 3, 2_000);
    // Turns: first, second, first — not three to the worker that asked for more.
    expect([first.pushed.length, second.pushed.length]).toEqual([2, 1]);
  });

  it('a releasing worker that still has attempts waiting keeps its turn: first in the queue, it gets its own slot back in the reply', async () => {
    const keyPrefix = prefix();
    const a = await listeningWorker(keyPrefix);
    const b = await listeningWorker(keyPrefix);
    const leases = await held(a.domain, 2, 2);
    // a queues first, then b.
    expect((await a.domain.acquire([0], 2))?.stop).toBe('full');
    expect((await b.domain.acquire([0], 2))?.stop).toBe('full');
    const reply = await a.domain.release(leases[0]!.id, {}, [0]);
    expect(reply?.grants).toHaveLength(1);
    expect(reply?.queued).toBe(false);
    // The next freed slot is b's (a is served); a's next release with nothing waiting leaves the queue.
    await a.domain.release(leases[1]!.id, {}, []);
    await until(() => b.pushed.length === 1, 2_000);
    expect(a.pushed).toHaveLength(0);
  });

  it('a waiter that stops renewing its place (a dead worker) gets no slot after WAITER_TTL_MS', async () => {
    const keyPrefix = prefix();
    const holder = await worker(keyPrefix);
    const gone = await listeningWorker(keyPrefix);
    const [lease] = await held(holder.domain, 1, 1);
    expect((await gone.domain.acquire([0], 1))?.stop).toBe('full');
    // It never asks again (killed): its place lapses.
    await new Promise((resolve) => setTimeout(resolve, WAITER_TTL_MS + 200));
    await holder.domain.release(lease!.id, {});
    // The slot stayed free: the next acquisition gets it, and nothing was pushed to the dead waiter.
    expect(await holder.domain.acquire([0], 1)).toMatchObject({ stop: 'done', inFlight: 1 });
    expect(gone.pushed).toHaveLength(0);
  });

  it('a worker that closes leaves the fleet: its slots go to the waiting workers at once (not after LEASE_TTL_MS), its place in the queue and its heartbeat with it', async () => {
    const keyPrefix = prefix();
    const leaving = await listeningWorker(keyPrefix);
    const waiter = await listeningWorker(keyPrefix);
    // The leaving worker holds both slots of a limit of 2 and waits for a third, first in the queue.
    expect(await held(leaving.domain, 2, 2)).toHaveLength(2);
    expect((await leaving.domain.acquire([0], 2))?.stop).toBe('full');
    expect((await waiter.domain.acquire([0, 0], 2))?.stop).toBe('full');
    const closedAt = Date.now();
    await leaving.store.close();
    // Both slots are pushed to the waiter, well before the leases would have expired.
    await until(() => waiter.pushed.length === 2, LEASE_TTL_MS / 3);
    expect(Date.now() - closedAt).toBeLessThan(LEASE_TTL_MS / 3);
    // The fleet holds the waiter's two leases and nothing for the worker that left; one worker is live.
    expect(await waiter.domain.acquire([], 2)).toMatchObject({ inFlight: 2 });
    expect(waiter.domain.liveWorkers).toBe(1);
    expect(leaving.pushed).toHaveLength(0);
  });

  it("a lease passed to the holder's next attempt is renumbered (the fleet's order stays right); the answer says who waits and when the fleet is over its limit", async () => {
    const keyPrefix = prefix();
    const holder = await worker(keyPrefix);
    const waiter = await listeningWorker(keyPrefix);
    const leases = await held(holder.domain, 3, 3);
    const passed = await holder.domain.pass(leases[0]!.id, 10, { outcome: 'ok', seq: leases[0]!.seq });
    expect(passed).toMatchObject({ kept: true, over: false, othersWaiting: 0, lease: { id: leases[0]!.id, seq: 4 } });
    expect(passed!.lease.tokensThrough).toBe(10);
    expect((await waiter.domain.acquire([0], 3))?.stop).toBe('full');
    // A crowd cut below what the fleet holds: the next pass says so (the holder gives the lease back).
    const cut = await holder.domain.recordRefusal({
      version: 0,
      refusedSeq: 3,
      from: 3,
      floor: 1,
      reason: 'crowd',
      probeIntervalMs: 1000,
    });
    // Admitted before number 3: only the lease numbered 2 — the passed one is number 4 now.
    expect(cut).toMatchObject({ applied: true, limit: 1 });
    expect(await holder.domain.pass(leases[1]!.id, 0, { outcome: 'other', seq: leases[1]!.seq })).toMatchObject({
      kept: true,
      over: true,
      othersWaiting: 1,
    });
    // A lease this worker no longer holds is not passed.
    await holder.domain.release(leases[2]!.id, {});
    expect(await holder.domain.pass(leases[2]!.id, 0, { outcome: 'ok', seq: leases[2]!.seq })).toBeUndefined();
  });

  it("counts the fleet's round and crowd at its limit from every worker's releases and passes, afresh after a limit change", async () => {
    const keyPrefix = prefix();
    const a = await worker(keyPrefix);
    const b = await worker(keyPrefix);
    const fromA = await held(a.domain, 4, 8);
    const fromB = await held(b.domain, 4, 8);
    // Two workers' outcomes add up in one count: successes (the round) and refusals (the crowd).
    const first = await a.domain.pass(fromA[0]!.id, 0, { outcome: 'ok', seq: fromA[0]!.seq });
    expect(first?.outcomes).toEqual({ succeeded: 1, refused: 0, admitted: 9 });
    const second = await b.domain.release(fromB[0]!.id, {}, [], { outcome: 'refused', seq: fromB[0]!.seq });
    expect(second?.outcomes).toEqual({ succeeded: 1, refused: 1, admitted: 9 });
    const third = await b.domain.pass(fromB[1]!.id, 0, { outcome: 'refused', seq: fromB[1]!.seq });
    expect(third?.outcomes).toEqual({ succeeded: 1, refused: 2, admitted: 10 });
    // 'other' (an explained 429, an error) counts for neither.
    const fourth = await a.domain.release(fromA[1]!.id, {}, [], { outcome: 'other', seq: fromA[1]!.seq });
    expect(fourth?.outcomes).toEqual({ succeeded: 1, refused: 2, admitted: 10 });
    // A limit change starts both counts afresh, and an attempt admitted before it is not news about it.
    const cut = await a.domain.recordRefusal({ version: 0, refusedSeq: 6, from: 8, floor: 7, reason: 'crowd', probeIntervalMs: 250 });
    expect(cut).toMatchObject({ applied: true });
    const old = await a.domain.release(fromA[2]!.id, {}, [], { outcome: 'refused', seq: fromA[2]!.seq });
    expect(old).toMatchObject({ version: 1, outcomes: { succeeded: 0, refused: 0, admitted: 0 } });
    const [fresh] = await held(b.domain, 1, 8);
    const after = await b.domain.release(fresh!.id, {}, [], { outcome: 'ok', seq: fresh!.seq });
    expect(after?.outcomes).toEqual({ succeeded: 1, refused: 0, admitted: 1 });
  });

  it('every pass refreshes the live workers: a worker that only passes its leases sees a new worker join at once', async () => {
    // Within its share a worker keeps passing and makes no acquisition; its share must shrink as
    // soon as another worker joins, not at its next heartbeat (RENEW_INTERVAL_MS later).
    const keyPrefix = prefix();
    const a = await worker(keyPrefix);
    const [lease] = await held(a.domain, 1, 8);
    expect(a.domain.liveWorkers).toBe(1);
    const b = await worker(keyPrefix);
    await held(b.domain, 1, 8);
    const passed = await a.domain.pass(lease!.id, 0, { outcome: 'ok', seq: lease!.seq });
    expect(passed?.kept).toBe(true);
    expect(a.domain.liveWorkers).toBe(2);
  });

  it("counts a refusal reported up to a limit's worth of admissions after the crowd window: a report is one attempt's round trip late", async () => {
    // At a limit of 64 on a fresh domain, 48 leases cycling through quick 429s admitted more than
    // 64 attempts while one refusal was on its way to the store: with a window of 64 admissions
    // every refusal aged out before it was counted, and the fleet sat at 64 for most of a second.
    const keyPrefix = prefix();
    const a = await worker(keyPrefix);
    const leases = await held(a.domain, 8, 8);
    const [cycling, , refused] = leases;
    // 65 more admissions (the lease renumbered by each pass) before the refusal of admission 3 is reported.
    let seq = cycling!.seq;
    for (let i = 0; i < 65; i += 1) {
      const reply = await a.domain.pass(cycling!.id, 0, { outcome: 'other', seq });
      seq = reply!.lease.seq;
    }
    expect(seq).toBe(73);
    // The pass that reports it is admission 74: the window is the last 64 (11–74), and a refusal
    // counts if its attempt was among the last 64 + 8 (the limit), numbers 3–74. Admission 3's does.
    const late = await a.domain.pass(cycling!.id, 0, { outcome: 'refused', seq: refused!.seq });
    expect(late?.outcomes).toEqual({ succeeded: 0, refused: 1, admitted: 64 });
    // One admission on, it has left the window.
    await a.domain.pass(cycling!.id, 0, { outcome: 'other', seq: late!.lease.seq });
    const gone = await a.domain.release(leases[3]!.id, {}, [], { outcome: 'other', seq: leases[3]!.seq });
    expect(gone?.outcomes).toEqual({ succeeded: 0, refused: 0, admitted: 64 });
  });

  it('a shared bucket refills with time even when the spend after its last reading never reports back (no stall)', async () => {
    const keyPrefix = prefix();
    const reader = await worker(keyPrefix);
    const [first] = await held(reader.domain, 1, 10);
    // The provider said: 5 of 5 left, refilling 10 a second.
    await reader.domain.release(first!.id, {
      requests: {
        limit: 5,
        remaining: 5,
        atMs: first!.admittedAt,
        seq: first!.seq,
        spentThrough: first!.requestsThrough,
        refillPerMs: 0.01,
      },
    });
    // A worker spends the bucket, then falls away: its responses (and their readings) never arrive.
    const lost = await worker(keyPrefix);
    expect(await held(lost.domain, 5, 10)).toHaveLength(5);
    await lost.store.close();
    expect(await reader.domain.acquire([0], 10)).toMatchObject({ grants: [], stop: 'paced' });
    // Refilled at 10 a second, the next slot comes within about 100 ms: bounded, not never.
    const started = Date.now();
    let granted = 0;
    while (granted === 0 && Date.now() - started < 3_000) {
      granted = (await reader.domain.acquire([0], 10))?.grants.length ?? 0;
      if (granted === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(granted).toBe(1);
  });

  it('two registries on one capped fleet: every call succeeds with about one store command per call (no poll, no herd)', async () => {
    const provider = await startFakeProvider({ latencyMs: 15 });
    const keyPrefix = prefix();
    const commands = { acquire: 0, release: 0, other: 0 };
    timeStoreCommands((kind) => {
      commands[kind] += 1;
    });
    const registries = [0, 1].map(() =>
      createModelRegistry(
        {
          providers: [{ name: 'p', endpoint: provider.endpoints.openai, providerType: 'openai', apiKey: 'fake-key-not-a-secret' }],
          models: [{ alias: 'rows', model: 'gpt-4o-mini', provider: 'p', inferenceParameters: { maxParallelRequests: 3 } }],
          admission: { store: { type: 'redis', url: server.url, keyPrefix } },
        },
        { engine: 'v2', env: {}, logger: silentLogger },
      ),
    );
    try {
      const calls = 150;
      const results = await Promise.allSettled(
        registries.flatMap((registry) =>
          Array.from({ length: calls }, async (_, i) =>
            (await registry.getClient('rows')).chat({ model: '', messages: [{ role: 'user', content: `row ${i}` }] }),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      // Both shared the fleet: neither sat out while the other ran (each made progress through the store's queue).
      const total = 2 * calls;
      // One command at the end of each call (release, or pass to the worker's next attempt); acquisitions
      // only to start and when a wait times out — not one per freed slot per waiting worker.
      expect(commands.release).toBeLessThanOrEqual(total * 1.15);
      expect(commands.acquire).toBeLessThan(total / 4);
    } finally {
      timeStoreCommands(undefined);
      await Promise.all(registries.map((r) => r.close()));
      await provider.close();
    }
  }, 30_000);
});
