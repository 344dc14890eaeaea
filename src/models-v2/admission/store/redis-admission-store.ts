// The Redis admission store: the state a fleet of workers shares, per (provider endpoint, model,
// domain), changed only by the atomic scripts of redis-admission-scripts.ts (docs/engine-rules.md
// "Shared admission store").
//
// - Client: node-redis (`redis`), loaded lazily (dynamic import) only when a run configures this
//   store; one standalone server or a Redis Cluster, over TLS or not (redis-connection.ts).
//   RESP3, EVALSHA (EVAL once after a NOSCRIPT, e.g. after a restart), every command bounded by
//   COMMAND_TIMEOUT_MS (node-redis's own timeout off), no offline queue (a command while
//   disconnected fails at once).
// - A failure of any kind (down, slow, restarted) never fails a call: the store switches to its
//   fallback with ONE warning, each domain then admits locally, and a background check rejoins
//   when Redis answers again (one info line).
// - Leases expire (LEASE_TTL_MS, server clock); this worker renews its own every
//   RENEW_INTERVAL_MS, so a slow call is never counted twice and a killed worker's slots come
//   back within LEASE_TTL_MS. A worker that closes its store leaves the fleet (LEAVE_SCRIPT): its
//   slots and its place in the queue go to the others at once.
// - Hand-off: a worker that listens for grants waits in the fleet's queue; a slot freed anywhere
//   is published on its own channel (`<keyPrefix>:grant:<worker>`, one subscription per worker)
//   and reaches its listener with no poll (docs/engine-rules.md "Shared admission store", the hand-off).
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../../core/logger.ts';
import { redactSecrets } from '../../../core/secrets.ts';
import type { AdmissionDomain } from '../admission.ts';
import type {
  AcquireReply,
  EndedAttempt,
  FleetOutcomes,
  PassReply,
  ReleaseReply,
  SharedLease,
  AdmissionStore,
  AdmissionStoreStatus,
  LimitReply,
  SharedAdmissionDomain,
  SharedBucketReading,
} from './admission-store.ts';
import {
  ACQUIRE_SCRIPT,
  LEAVE_SCRIPT,
  PASS_SCRIPT,
  RECORD_REFUSAL_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  SET_LIMIT_SCRIPT,
} from './redis-admission-scripts.ts';
import { type RedisConnection, type RedisTarget, redisConnectionFactory } from './redis-connection.ts';
import { redisJoinProblem } from './redis-join-problem.ts';

/** A lease not renewed for this long is gone: a killed worker's slots come back within it. */
export const LEASE_TTL_MS = 6_000;
export const RENEW_INTERVAL_MS = 2_000;
/** No store command waits longer than this; a slower Redis counts as down. */
export const COMMAND_TIMEOUT_MS = 500;
export const CONNECT_TIMEOUT_MS = 1_000;
/** While on the fallback, how often Redis is tried again. */
export const REJOIN_CHECK_MS = 1_000;

/** Which transition a timed store command ran (for the fleet benchmark's per-call overhead). */
export type StoreCommandKind = 'acquire' | 'release' | 'other';
let commandTimer: ((kind: StoreCommandKind, ms: number) => void) | undefined;

/** Benchmarks only: receive the duration of every store command of this process. */
export function timeStoreCommands(sink: ((kind: StoreCommandKind, ms: number) => void) | undefined): void {
  commandTimer = sink;
}

interface ScriptRunner {
  run(script: string, keys: string[], args: (string | number)[]): Promise<number[]>;
}

export interface RedisStoreOptions extends RedisTarget {
  keyPrefix: string;
  logger: Logger;
}

export async function createRedisAdmissionStore(options: RedisStoreOptions): Promise<AdmissionStore> {
  const make = await redisConnectionFactory(options, {
    connectMs: CONNECT_TIMEOUT_MS,
    reconnectMaxMs: REJOIN_CHECK_MS,
  });
  const store = new RedisAdmissionStore(options, make);
  await store.start();
  return store;
}

class RedisAdmissionStore implements AdmissionStore, ScriptRunner {
  readonly type = 'redis' as const;
  readonly #workerBase = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Bumped at each fall-back: after an outage (a Redis restart restarts its admission numbers) no lease id repeats one still held from before. */
  #epoch = 0;
  get workerId(): string {
    return `${this.#workerBase}.${this.#epoch}`;
  }
  readonly #options: RedisStoreOptions;
  readonly #client: RedisConnection;
  #subscriber?: RedisConnection;
  readonly #channel: string;
  readonly #domains = new Map<string, RedisDomain>();
  readonly #shas = new Map<string, string>();
  #connected = false;
  #warned = false;
  #closed = false;
  #closing?: Promise<void>;
  #renewTimer?: ReturnType<typeof setInterval>;
  #rejoinTimer?: ReturnType<typeof setInterval>;
  #liveWorkers = 1;
  /** The last error the client emitted (a refused AUTH, a TLS failure): why a connect only timed out. */
  #lastClientError: unknown;

  constructor(options: RedisStoreOptions, make: () => RedisConnection) {
    this.#options = options;
    this.#client = make();
    // Grants handed to this worker while it waits are published here (one channel per worker).
    this.#channel = `${options.keyPrefix}:grant:${this.#workerBase}`;
    // node-redis emits socket errors as events; they are handled by the fallback, never thrown.
    this.#client.onError((error: unknown) => {
      this.#lastClientError = error;
    });
  }

  async start(): Promise<void> {
    const failure = await withTimeout(this.#client.connect(), CONNECT_TIMEOUT_MS).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const connected = failure === undefined;
    // Credentials and TLS are named as such, not as "no answer" (redis-join-problem.ts).
    if (failure) this.#fallBack(new Error(await redisJoinProblem(this.#options.url.reveal(), failure.error, this.#lastClientError)));
    if (connected) {
      this.#connected = true;
      await this.#subscribe();
    }
    this.#renewTimer = setInterval(() => void this.#renewAll(), RENEW_INTERVAL_MS);
    this.#renewTimer.unref();
  }

  status(): AdmissionStoreStatus {
    return { type: 'redis', connected: this.#connected, target: String(this.#options.url), liveWorkers: this.#liveWorkers };
  }

  get connected(): boolean {
    return this.#connected;
  }

  domain(key: { providerType: string; endpoint: string; model: string; domain: AdmissionDomain }, cap: number): SharedAdmissionDomain {
    const digest = createHash('sha1')
      .update(JSON.stringify([key.providerType, key.endpoint, key.model]))
      .digest('hex')
      .slice(0, 16);
    // One hash tag per domain: every key of a domain lands on one Redis Cluster slot.
    const base = `${this.#options.keyPrefix}:{${digest}:${key.domain}}`;
    let domain = this.#domains.get(base);
    if (!domain) {
      domain = new RedisDomain(this, base, this.#channel, cap);
      this.#domains.set(base, domain);
      void domain.renew();
    }
    return domain;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    // No heartbeat from here on (it would count this worker live again)...
    clearInterval(this.#renewTimer);
    clearInterval(this.#rejoinTimer);
    // ...and it leaves the fleet: its slots and its place in the queue go to the others now, not
    // when its leases expire (LEASE_TTL_MS). Bounded like every command; on a failure they
    // expire as a killed worker's do.
    await Promise.all([...this.#domains.values()].map((domain) => domain.leave()));
    // Closed is offline: a waiter still queued admits locally instead of asking a closed client.
    this.#connected = false;
    for (const domain of this.#domains.values()) domain.close();
    this.#subscriber?.destroy();
    this.#client.destroy();
  }

  /** Scripts this worker has run on the current Redis (a NOSCRIPT for one of them means Redis restarted). */
  readonly #loaded = new Set<string>();

  /** Runs a script by SHA (loading it once after a NOSCRIPT); undefined on any failure (the store falls back). */
  async run(script: string, keys: string[], args: (string | number)[]): Promise<number[]> {
    if (!this.#connected || !this.#client.isReady) throw new Error('admission store offline');
    let sha = this.#shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      this.#shas.set(script, sha);
    }
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    const started = commandTimer ? performance.now() : 0;
    let reply: number[];
    // node-redis's own timeout is off (redis-connection.ts): every command is raced against our
    // own bound, cleared with the answer (a late reply is dropped: its lease expires).
    try {
      reply = (await withTimeout(this.#client.send(['EVALSHA', sha, ...tail], keys[0]), COMMAND_TIMEOUT_MS)) as number[];
      this.#loaded.add(script);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      // A script this worker loaded before is gone: Redis restarted (or was flushed) while no
      // command of ours was in flight. Its admission numbers restarted too, so the store falls back
      // and rejoins as a new epoch rather than reusing lease ids it may still hold.
      // (In a cluster a primary that never ran it — a slot's new owner — just loads it.)
      if (this.#loaded.has(script) && this.#client.noscriptMeansDataLoss) throw new Error('Redis lost its scripts (restarted or flushed)');
      reply = (await withTimeout(this.#client.send(['EVAL', script, ...tail], keys[0]), COMMAND_TIMEOUT_MS)) as number[];
      this.#loaded.add(script);
    }
    const kind = script === ACQUIRE_SCRIPT ? 'acquire' : script === RELEASE_SCRIPT || script === PASS_SCRIPT ? 'release' : 'other';
    commandTimer?.(kind, performance.now() - started);
    return reply;
  }

  /** Reports a failed command: the first one of an outage warns and switches to the fallback. */
  failed(error: unknown): void {
    if (this.#closed) return;
    this.#fallBack(error);
  }

  noteLiveWorkers(count: number): void {
    this.#liveWorkers = Math.max(1, count);
  }

  #fallBack(error: unknown): void {
    const wasConnected = this.#connected;
    this.#connected = false;
    if (wasConnected) {
      this.#epoch += 1;
      // The Redis this worker rejoins may be a fresh one: every script is loaded anew there.
      this.#loaded.clear();
    }
    if (!this.#warned) {
      this.#warned = true;
      const reason = redactSecrets(error instanceof Error ? error.message : String(error)) || 'no answer';
      this.#options.logger.warn(
        `admission store: Redis at ${this.#options.url} is unavailable (${reason}); this worker admits on its own ` +
          `with a 1/${this.#liveWorkers} share of the last shared limit and rejoins when Redis answers`,
      );
    }
    if (wasConnected || !this.#rejoinTimer) {
      for (const domain of this.#domains.values()) domain.connectionChanged(false);
    }
    if (!this.#rejoinTimer) {
      this.#rejoinTimer = setInterval(() => void this.#tryRejoin(), REJOIN_CHECK_MS);
      this.#rejoinTimer.unref();
    }
  }

  async #tryRejoin(): Promise<void> {
    if (this.#closed || this.#connected) return;
    const keys = [...this.#domains.keys()].map((base) => domainKeys(base)[0]);
    if (!(await withTimeout(this.#client.answers(keys), COMMAND_TIMEOUT_MS).catch(() => false))) return;
    if (this.#connected || this.#closed) return;
    clearInterval(this.#rejoinTimer);
    this.#rejoinTimer = undefined;
    this.#connected = true;
    this.#warned = false;
    await this.#subscribe();
    this.#options.logger.info(`admission store: Redis at ${this.#options.url} answers again; this worker shares admission again`);
    for (const domain of this.#domains.values()) domain.connectionChanged(true);
  }

  async #subscribe(): Promise<void> {
    if (this.#subscriber) return;
    const subscriber = this.#client.duplicate();
    try {
      subscriber.onError(() => {});
      await withTimeout(subscriber.connect(), CONNECT_TIMEOUT_MS);
      await withTimeout(
        subscriber.subscribe(this.#channel, (message) => this.#granted(message)),
        CONNECT_TIMEOUT_MS,
      );
      this.#subscriber = subscriber;
    } catch {
      // Without the channel, queued workers still retry on their short timer; the half-open
      // connection is not kept (each rejoin would leak another).
      try {
        subscriber.destroy();
      } catch {
        // never connected: nothing to release
      }
    }
  }

  /** A grant pushed by the hand-off: "<state key>|<worker id>|<seq>|<server ms>|<spent requests>|<spent tokens>". */
  #granted(message: string): void {
    const [stateKey, worker, ...numbers] = message.split('|');
    // A grant for an earlier epoch of this worker (before a fallback) is nobody's: it expires.
    if (!this.#connected || worker !== this.workerId || !stateKey?.endsWith(':state')) return;
    const [seq, at, requestsThrough, tokensThrough] = numbers.map(Number);
    const lease = { id: `${worker}:${seq}`, seq, admittedAt: at, requestsThrough, tokensThrough };
    this.#domains.get(stateKey.slice(0, -':state'.length))?.granted(lease);
  }

  async #renewAll(): Promise<void> {
    if (!this.#connected) return;
    for (const domain of this.#domains.values()) await domain.renew();
  }
}

/** Keys of one domain, in the order every script takes them. */
function domainKeys(base: string): string[] {
  return [
    `${base}:state`,
    `${base}:leases`,
    `${base}:order`,
    `${base}:workers`,
    `${base}:caps`,
    `${base}:queue`,
    `${base}:wants`,
    `${base}:refused`,
  ];
}

class RedisDomain implements SharedAdmissionDomain {
  readonly #store: RedisAdmissionStore;
  readonly #keys: string[];
  readonly #channel: string;
  readonly #cap: number;
  /** This worker's leases still running: renewed on every heartbeat. */
  readonly #leases = new Set<string>();
  readonly #listeners: ((connected: boolean) => void)[] = [];
  #grantListener?: (lease: SharedLease) => void;
  #wakers: (() => void)[] = [];
  #liveWorkers = 1;
  #fleetCap: number;

  constructor(store: RedisAdmissionStore, base: string, channel: string, cap: number) {
    this.#store = store;
    this.#keys = domainKeys(base);
    this.#channel = channel;
    this.#cap = cap;
    this.#fleetCap = cap;
  }

  get connected(): boolean {
    return this.#store.connected;
  }

  get liveWorkers(): number {
    return this.#liveWorkers;
  }

  get fleetCap(): number {
    return Math.max(this.#cap, this.#fleetCap);
  }

  async acquire(costs: number[], initialLimit: number): Promise<AcquireReply | undefined> {
    const queue = this.#grantListener ? 1 : 0;
    const args = [this.#store.workerId, LEASE_TTL_MS, this.#cap, initialLimit, queue, this.#channel, ...costs.map(tokenCost)];
    const reply = await this.#run(ACQUIRE_SCRIPT, args);
    if (!reply) return undefined;
    const [stop, limit, version, inFlight, liveWorkers, now, waitMs, granted] = reply.slice(0, 8).map(Number);
    // Workers joining show at once (the heartbeat counts them only every RENEW_INTERVAL_MS).
    this.#liveWorkers = Math.max(1, liveWorkers);
    const grants = this.#leasesOf(reply, 8, granted, now);
    return { grants, stop: stop === 3 ? 'done' : stop === 2 ? 'paced' : 'full', waitMs, limit, version, inFlight };
  }

  async release(
    leaseId: string,
    readings: { requests?: SharedBucketReading; tokens?: SharedBucketReading },
    waiting: number[] = [],
    ended: EndedAttempt = { outcome: 'other', seq: 0 },
  ): Promise<ReleaseReply | undefined> {
    const known = this.#leases.delete(leaseId);
    if (!known || !this.connected) return undefined;
    const wants = this.#grantListener ? waiting.length : 0;
    const cost = Math.max(0, ...waiting.map(tokenCost));
    const args: (string | number)[] = [leaseId, this.#store.workerId, LEASE_TTL_MS, wants, cost, this.#channel, ended.outcome, ended.seq];
    for (const [prefix, reading] of [
      ['r:', readings.requests],
      ['t:', readings.tokens],
    ] as const) {
      if (!reading) continue;
      args.push(prefix, reading.limit, reading.remaining, reading.atMs, reading.seq, reading.spentThrough, reading.refillPerMs);
    }
    const reply = await this.#run(RELEASE_SCRIPT, args);
    if (!reply) return undefined;
    const [limit, version, queued, now, succeeded, refused, admitted, granted] = reply.slice(0, 8).map(Number);
    // Out of the queue (nothing left to wait for): a wait for pushed slots ends now, not at its timer.
    if (queued !== 1) this.wake();
    const outcomes: FleetOutcomes = { succeeded, refused, admitted };
    return { grants: this.#leasesOf(reply, 8, granted, now), queued: queued === 1, limit, version, outcomes };
  }

  async pass(leaseId: string, cost: number, ended: EndedAttempt): Promise<PassReply | undefined> {
    if (!this.#leases.has(leaseId)) return undefined;
    const reply = await this.#run(PASS_SCRIPT, [leaseId, LEASE_TTL_MS, tokenCost(cost), ended.outcome, ended.seq]);
    if (!reply) return undefined;
    const [kept, seq, admittedAt, requestsThrough, tokensThrough, over, othersWaiting, succeeded, refused, admitted, limit, version, live] =
      reply.map(Number);
    // Every pass refreshes the live workers: a worker that keeps passing its leases (within its
    // share) makes no acquisition, and its share must shrink as soon as another worker joins.
    this.#noteLiveWorkers(live);
    return {
      limit,
      version,
      kept: kept === 1,
      lease: { id: leaseId, seq, admittedAt, requestsThrough, tokensThrough },
      over: over === 1,
      othersWaiting,
      outcomes: { succeeded, refused, admitted },
    };
  }

  onGrant(listener: (lease: SharedLease) => void): void {
    this.#grantListener = listener;
  }

  /** A slot the hand-off pushed to this worker: to the listener, or straight back when nobody takes it. */
  granted(lease: SharedLease): void {
    this.#leases.add(lease.id);
    if (this.#grantListener) this.#grantListener(lease);
    else void this.release(lease.id, {});
  }

  #leasesOf(reply: number[], from: number, count: number, now: number): SharedLease[] {
    const grants: SharedLease[] = [];
    for (let i = 0; i < count; i++) {
      const [seq, requestsThrough, tokensThrough] = reply.slice(from + 3 * i, from + 3 + 3 * i).map(Number);
      const id = `${this.#store.workerId}:${seq}`;
      this.#leases.add(id);
      grants.push({ id, seq, admittedAt: now, requestsThrough, tokensThrough });
    }
    return grants;
  }

  async recordRefusal(args: {
    version: number;
    refusedSeq: number;
    from: number;
    floor: number;
    reason: string;
    probeIntervalMs: number;
  }): Promise<LimitReply | undefined> {
    const reply = await this.#run(RECORD_REFUSAL_SCRIPT, [
      args.version,
      args.refusedSeq,
      args.from,
      args.floor,
      args.reason,
      Math.round(args.probeIntervalMs),
    ]);
    return reply && limitReply(reply);
  }

  async setLimit(args: { version: number; to: number; reason: string }): Promise<LimitReply | undefined> {
    const reply = await this.#run(SET_LIMIT_SCRIPT, [args.version, args.to, args.reason, LEASE_TTL_MS]);
    return reply && limitReply(reply);
  }

  slotFreed(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wakers.push(done);
    });
  }

  wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  onConnectionChange(listener: (connected: boolean) => void): void {
    this.#listeners.push(listener);
  }

  connectionChanged(connected: boolean): void {
    // Leases of a lost connection are not ours to renew any more: Redis expires them.
    if (!connected) this.#leases.clear();
    this.wake();
    for (const listener of this.#listeners) listener(connected);
  }

  async renew(): Promise<void> {
    const reply = await this.#run(RENEW_SCRIPT, [this.#store.workerId, LEASE_TTL_MS, this.#cap, ...this.#leases]);
    if (!reply) return;
    const [, , liveWorkers, fleetCap] = reply.map(Number);
    this.#noteLiveWorkers(liveWorkers);
    this.#fleetCap = fleetCap;
  }

  /** The live workers as a store reply counted them, for this domain's share and the store's fallback. */
  #noteLiveWorkers(count: number): void {
    this.#liveWorkers = Math.max(1, count);
    this.#store.noteLiveWorkers(count);
  }

  /** This worker leaves the fleet: its leases (and any grant on its way to it) are freed for the others, its place in the queue dropped. */
  async leave(): Promise<void> {
    this.#grantListener = undefined;
    await this.#run(LEAVE_SCRIPT, [this.#store.workerId, LEASE_TTL_MS]);
    this.#leases.clear();
  }

  close(): void {
    this.wake();
  }

  async #run(script: string, args: (string | number)[]): Promise<number[] | undefined> {
    if (!this.connected) return undefined;
    try {
      return await this.#store.run(script, this.#keys, args);
    } catch (error) {
      this.#store.failed(error);
      return undefined;
    }
  }
}

function tokenCost(cost: number): number {
  return Math.max(0, Math.ceil(cost));
}

function limitReply(reply: number[]): LimitReply {
  const [applied, limit, version, at, probeAt] = reply.map(Number);
  return { applied: applied === 1, limit, version, at, probeAt };
}

/**
 * `promise`, or an error after `ms`. Timers run before the event loop reads its sockets, so when
 * this process was stalled past `ms` (a long synchronous task, or its CPU taken by others) the
 * timer would fire ahead of an answer already waiting: it yields to I/O once first, and an answer
 * that arrived while the process was busy is not counted as none (measured: 16 workers on two
 * cores fell back at the start, one after the other, on answers that were there).
 */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new Error(`no answer within ${ms} ms`));
      });
    }, ms);
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
