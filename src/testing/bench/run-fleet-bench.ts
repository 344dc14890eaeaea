// The fleet benchmark (issue "admission shared by every worker through Redis"): N worker
// processes (fleet-worker.ts, each a registry with maxParallelRequests 64) against ONE fake
// provider process with a capacity scenario's limit, with the local store (every worker learns
// alone) or the Redis store (the bench starts its own redis-server, or with `cluster` its own
// 3-primary Redis Cluster: src/testing/redis/redis-cluster.ts). Optional events halfway:
// SIGKILL one worker, or restart Redis (a fresh, empty server on the same port). With `rttMs`, the
// workers reach Redis and the provider through a delay proxy (src/testing/network/delay-proxy.ts);
// a cluster's nodes each through their own, named to the workers by `nodeAddressMap` (the
// addresses the nodes announce → their proxies). The `known` store is the
// yardstick: the provider's capacity split over the workers as their maxParallelRequests, no store,
// nothing to learn — what this machine allows N processes at that concurrency (like the capacity
// bench's reference r).
import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { measureRoundTrip, startDelayProxy, type DelayProxy } from '../network/delay-proxy.ts';
import { type ProviderProcess, startProviderProcess } from '../soak/provider-process.ts';
import type { FakeProviderStats } from '../fake-provider/fake-provider-server.ts';
import type { RedisClusterHandle } from '../redis/redis-cluster.ts';
import type { RedisServer } from '../redis/redis-server.ts';
import { type CapacityScenario, CAPACITY_SCENARIOS } from './capacity-scenarios.ts';
import type { FleetWarmUp, FleetWorkerArgs, FleetWorkerResult } from './fleet-worker.ts';

const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
const MODEL = { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5' } as const;
export const FLEET_SCENARIOS = ['a', 'b'] as const;
export type FleetScenarioId = (typeof FLEET_SCENARIOS)[number];
export const FLEET_STORES = ['local', 'redis', 'cluster', 'known'] as const;
export type FleetStore = (typeof FLEET_STORES)[number];
export type FleetEvent = 'none' | 'kill-worker' | 'restart-redis';
export const FLEET_MAX_PARALLEL = 64;
// Sixteen workers loading at once on two busy cores take a while: generous, but bounded.
const READY_TIMEOUT_MS = 120_000;

export interface FleetRow {
  scenario: FleetScenarioId;
  store: FleetStore;
  event: FleetEvent;
  workers: number;
  /** The round trip added between every worker and Redis and the provider (0: plain loopback, no proxy). */
  rttMs: number;
  /** That round trip as measured through the proxy before the run (median of PINGs to Redis, minus loopback's; null: no Redis). */
  rttMeasuredMs: number | null;
  /** The machine's 1-minute load average when the run ended (other work on it shows here). */
  loadAverage: number;
  /** The workers' warm-up before the clock started, on a domain of its own: calls and successes summed, the slowest worker's seconds. */
  warmUp: { calls: number; succeeded: number; seconds: number };
  /** Calls of the workers that ran to the end (a killed worker's calls are in killedWorkerCalls). */
  calls: number;
  succeeded: number;
  failed: number;
  failedByClass: Record<string, number>;
  /** Calls of surviving workers still unsettled when the run gave up (max seconds + 10 s). */
  lost: number;
  killedWorkerCalls: number;
  wallSeconds: number;
  /** The provider's 2xx answers per second (every worker, the killed one included) ÷ the limiting rate. */
  goodput: number;
  /**
   * The same up to the moment 90 % of the calls had succeeded (the workers' own clocks from 'go'):
   * leaves out the tail of calls sitting out a Retry-After near the end (null: fewer succeeded).
   */
  goodputTo90: number | null;
  limitingRate: number;
  limitingResource: string;
  attempts: number;
  /** 429 answers ÷ all answers from the sixth second on (the provider's timeline). */
  rateLimitedShareAfter5s: number | null;
  /** kill-worker with the Redis store: seconds from the kill until none of its leases remained (null: not measured). */
  leasesBackSeconds: number | null;
  /** Redis store: per-call store overhead, the acquire and release commands as timed inside the workers (ms). */
  storeOverheadMs: { acquireP50: number; acquireP99: number; releaseP50: number; releaseP99: number; commands: number } | null;
  /** Warnings the workers logged (the store's fallback warning, once per worker and outage). */
  warnings: number;
  /** Limit changes the workers logged, summed (a fleet's change is logged once by each worker). */
  limitChanges: number;
  /** The workers' CPU time per call (user + system, summed over the workers that ran to the end), ms. */
  workerCpuMsPerCall: number;
  /** The provider's answers per second: 2xx, 429 and the most in flight at once (JSON only). */
  timeline: { second: number; ok: number; rateLimited: number; peakInFlight: number }[];
}

export interface FleetRunOptions {
  workers: number;
  /** Overrides the scenario's call count (smoke runs). */
  calls?: number;
  maxSeconds: number;
  redis?: RedisServer;
  /** For the `cluster` store. */
  cluster?: RedisClusterHandle;
  /** Round trip added between the workers and Redis and the provider, ms (default 0: no proxy). */
  rttMs?: number;
  /** Workers print their limit changes and warnings to stderr, stamped with ms since 'go'. */
  trace?: boolean;
  /** Warm-up calls per worker on a domain of their own before the clock starts (default FLEET_WARM_UP_CALLS). */
  warmUpCalls?: number;
}

/**
 * Warm-up calls per worker (fleet-worker.ts): enough for V8 to compile the call path, so the job
 * measures admission and not four processes interpreting their first second on two cores.
 */
export const FLEET_WARM_UP_CALLS = 100;

function scenarioOf(id: FleetScenarioId): CapacityScenario {
  return CAPACITY_SCENARIOS.find((s) => s.id === id)!;
}

interface Worker {
  child: ChildProcess;
  calls: number;
  done: Promise<FleetWorkerResult | undefined>;
}

function startWorker(args: FleetWorkerArgs): { worker: Worker; ready: Promise<FleetWarmUp> } {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = new Promise<FleetWarmUp>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fleet worker ${child.pid} not ready within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    child.on('message', (m: { type?: string; warmUp?: FleetWarmUp }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.warmUp ?? { calls: 0, succeeded: 0, ms: 0 });
      }
    });
    child.once('exit', () => reject(new Error(`fleet worker ${child.pid} exited before it was ready`)));
  });
  const done = new Promise<FleetWorkerResult | undefined>((resolve) => {
    child.on('message', (m: { type?: string; result?: FleetWorkerResult }) => {
      if (m.type === 'done') resolve(m.result);
    });
    child.once('exit', () => resolve(undefined));
  });
  return { worker: { child, calls: args.calls, done }, ready };
}

export async function runFleetScenario(
  id: FleetScenarioId,
  store: FleetStore,
  event: FleetEvent,
  options: FleetRunOptions,
): Promise<FleetRow> {
  const scenario = scenarioOf(id);
  const totalCalls = options.calls ?? scenario.calls ?? 0;
  if (store === 'redis' && !options.redis) throw new Error('the Redis store needs a redis-server');
  if (store === 'cluster' && !options.cluster) throw new Error('the cluster store needs a Redis Cluster');
  const warmUpCalls = options.warmUpCalls ?? FLEET_WARM_UP_CALLS;
  const provider = await startProviderProcess(scenario.provider);
  const keyPrefix = `fleet:${id}:${store}:${event}:${Date.now()}`;
  const workers: Worker[] = [];
  const rttMs = options.rttMs ?? 0;
  const proxies: DelayProxy[] = [];
  let warmUpProvider: ProviderProcess | undefined;
  try {
    // The warm-up's provider: the scenario's latency, no limit (fleet-worker.ts).
    if (warmUpCalls > 0) warmUpProvider = await startProviderProcess({ latencyMs: scenario.provider.latencyMs });
    const endpoint = await throughDelay(provider.endpoints[scenario.protocol], rttMs, proxies);
    const warmUpEndpoint = warmUpProvider && (await throughDelay(warmUpProvider.endpoints[scenario.protocol], rttMs, proxies));
    const redisUrl = store === 'redis' ? await throughDelay(options.redis!.url, rttMs, proxies) : undefined;
    const cluster = store === 'cluster' ? await clusterThroughDelay(options.cluster!, rttMs, proxies) : undefined;
    const rttMeasuredMs = redisUrl
      ? await redisRoundTrip(options.redis!.url, redisUrl)
      : cluster
        ? await redisRoundTrip(options.cluster!.url, cluster.url)
        : null;
    const known = store === 'known' ? knownShares(scenario, options.workers) : undefined;
    const starts = Array.from({ length: options.workers }, (_, i) => {
      const calls = Math.floor(totalCalls / options.workers) + (i < totalCalls % options.workers ? 1 : 0);
      return startWorker({
        endpoint,
        protocol: scenario.protocol,
        model: MODEL[scenario.protocol],
        maxParallelRequests: known?.[i] ?? FLEET_MAX_PARALLEL,
        ...(options.trace ? { trace: true } : {}),
        calls,
        maxTokens: scenario.maxTokens,
        warmUpCalls,
        ...(warmUpEndpoint ? { warmUpEndpoint } : {}),
        store: redisUrl
          ? { type: 'redis', url: redisUrl, keyPrefix }
          : cluster
            ? { type: 'redis', url: cluster.url, mode: 'cluster', keyPrefix, ...(cluster.map ? { nodeAddressMap: cluster.map } : {}) }
            : { type: 'local' },
      });
    });
    workers.push(...starts.map((s) => s.worker));
    const warmUps = await Promise.all(starts.map((s) => s.ready));
    await resetProvider(provider.endpoints.anthropic);
    const started = performance.now();
    for (const w of workers) w.child.send({ type: 'go' });

    // Halfway by the limit's own clock: the job takes about calls ÷ limiting rate.
    const halfwayMs = (totalCalls / scenario.limitingRate({ tokensPerCall: 0 }) / 2) * 1000;
    let leasesBack: Promise<number | null> = Promise.resolve(null);
    const eventTimer =
      event === 'none'
        ? undefined
        : setTimeout(() => {
            if (event === 'kill-worker') {
              const victim = workers[0].child;
              const killedAt = performance.now();
              victim.kill('SIGKILL');
              if (store === 'redis') leasesBack = waitLeasesGone(options.redis!.url, keyPrefix, victim.pid!, killedAt, 30_000);
            } else if (store === 'redis') void options.redis!.restart();
          }, halfwayMs);

    const results = await Promise.race([
      Promise.all(workers.map((w) => w.done)),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), (options.maxSeconds + 10) * 1000).unref()),
    ]);
    clearTimeout(eventTimer);
    const wallSeconds = (performance.now() - started) / 1000;
    const finished =
      results === 'timeout' ? await Promise.all(workers.map((w) => Promise.race([w.done, Promise.resolve(undefined)]))) : results;
    const stats = await provider.stats();
    const leasesBackSeconds = await leasesBack;
    const row = summarise({ id, scenario, store, event, options, workers, finished, wallSeconds, stats, leasesBackSeconds });
    const warmUp = {
      calls: warmUps.reduce((sum, w) => sum + w.calls, 0),
      succeeded: warmUps.reduce((sum, w) => sum + w.succeeded, 0),
      seconds: Math.max(0, ...warmUps.map((w) => w.ms)) / 1000,
    };
    return { ...row, rttMs, rttMeasuredMs, loadAverage: loadavg()[0], warmUp };
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await provider.stop();
    await warmUpProvider?.stop();
    await Promise.all(proxies.map((proxy) => proxy.close()));
  }
}

function summarise(run: {
  id: FleetScenarioId;
  scenario: CapacityScenario;
  store: FleetStore;
  event: FleetEvent;
  options: FleetRunOptions;
  workers: Worker[];
  finished: (FleetWorkerResult | undefined)[];
  wallSeconds: number;
  stats: FakeProviderStats;
  leasesBackSeconds: number | null;
}): Omit<FleetRow, 'rttMs' | 'rttMeasuredMs' | 'loadAverage' | 'warmUp'> {
  const { workers, finished, stats } = run;
  const killed = run.event === 'kill-worker' ? 1 : 0;
  const survivors = workers.map((w, i) => ({ w, r: finished[i] })).slice(killed);
  const ok = survivors.filter((s) => s.r);
  const failedByClass: Record<string, number> = {};
  for (const { r } of ok) for (const [name, n] of Object.entries(r!.failedByClass)) failedByClass[name] = (failedByClass[name] ?? 0) + n;
  const acquire = ok.flatMap(({ r }) => r!.storeCommandMs.acquire);
  const release = ok.flatMap(({ r }) => r!.storeCommandMs.release);
  const okAnswers = Number(stats.byStatus['200'] ?? 0);
  const tokensPerCall = okAnswers > 0 && stats.tokens > 0 ? stats.tokens / okAnswers : 0;
  const limitingRate = run.scenario.limitingRate({ tokensPerCall });
  const successTimes = ok.flatMap(({ r }) => r!.successTimes).sort((a, b) => a - b);
  const needed = Math.ceil(survivors.reduce((sum, s) => sum + s.w.calls, 0) * 0.9);
  const late = stats.timeline.filter((s) => s.second >= 5);
  const lateAnswers = late.reduce((sum, s) => sum + s.ok + s.rateLimited, 0);
  return {
    scenario: run.id,
    store: run.store,
    event: run.event,
    workers: workers.length,
    calls: survivors.reduce((sum, s) => sum + s.w.calls, 0),
    succeeded: ok.reduce((sum, s) => sum + s.r!.succeeded, 0),
    failed: ok.reduce((sum, s) => sum + s.r!.failed, 0),
    failedByClass,
    lost: survivors.filter((s) => !s.r).reduce((sum, s) => sum + s.w.calls, 0),
    killedWorkerCalls: killed ? workers[0].calls : 0,
    wallSeconds: run.wallSeconds,
    goodput: okAnswers / run.wallSeconds / limitingRate,
    goodputTo90: needed > 0 && successTimes.length >= needed ? needed / (successTimes[needed - 1] / 1000) / limitingRate : null,
    limitingRate,
    limitingResource: run.scenario.limitingResource,
    attempts: stats.requests,
    rateLimitedShareAfter5s: lateAnswers > 0 ? late.reduce((sum, s) => sum + s.rateLimited, 0) / lateAnswers : null,
    leasesBackSeconds: run.leasesBackSeconds,
    storeOverheadMs:
      acquire.length > 0
        ? {
            acquireP50: percentile(acquire, 0.5),
            acquireP99: percentile(acquire, 0.99),
            releaseP50: percentile(release, 0.5),
            releaseP99: percentile(release, 0.99),
            commands: acquire.length + release.length,
          }
        : null,
    warnings: ok.reduce((sum, s) => sum + s.r!.warnings.length, 0),
    limitChanges: ok.reduce((sum, s) => sum + s.r!.limitChanges, 0),
    workerCpuMsPerCall:
      ok.reduce((sum, s) => sum + s.r!.cpuMs, 0) /
      Math.max(
        1,
        ok.reduce((sum, s) => sum + s.r!.calls, 0),
      ),
    timeline: stats.timeline.map(({ second, ok: okCount, rateLimited, peakInFlight }) => ({
      second,
      ok: okCount,
      rateLimited,
      peakInFlight,
    })),
  };
}

/**
 * The `known` store: the scenario's concurrency capacity split as evenly as whole slots allow over
 * the workers (each worker's maxParallelRequests). Refused where there is no such capacity (a rate
 * limit) or fewer slots than workers.
 */
export function knownShares(scenario: CapacityScenario, workers: number): number[] {
  const capacity = scenario.provider.capacity;
  if (capacity === undefined) throw new Error(`the known store needs a concurrency capacity; scenario ${scenario.id} has none`);
  if (capacity < workers) throw new Error(`the known store needs at least one slot per worker: capacity ${capacity}, ${workers} workers`);
  return Array.from({ length: workers }, (_, i) => Math.floor(capacity / workers) + (i < capacity % workers ? 1 : 0));
}

/** `url` with its host and port replaced by a delay proxy's to them (`url` itself at 0 ms: plain loopback). */
async function throughDelay(url: string, rttMs: number, proxies: DelayProxy[]): Promise<string> {
  if (rttMs === 0) return url;
  const parsed = new URL(url);
  const proxy = await startDelayProxy({ host: parsed.hostname, port: Number(parsed.port) }, rttMs);
  proxies.push(proxy);
  parsed.port = String(proxy.port);
  return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

/**
 * A cluster through the delay: a proxy per node, and the map from the address each node announces
 * to its proxy (the workers connect to the proxies, whatever CLUSTER SLOTS says). At 0 ms, as is.
 */
async function clusterThroughDelay(
  cluster: RedisClusterHandle,
  rttMs: number,
  proxies: DelayProxy[],
): Promise<{ url: string; map?: Record<string, string> }> {
  if (rttMs === 0) return { url: cluster.url };
  const map: Record<string, string> = {};
  for (const node of cluster.nodes) {
    const split = node.lastIndexOf(':');
    const proxy = await startDelayProxy({ host: node.slice(0, split), port: Number(node.slice(split + 1)) }, rttMs);
    proxies.push(proxy);
    map[node] = `127.0.0.1:${proxy.port}`;
  }
  const seed = new URL(cluster.url);
  const [host, port] = map[seed.host]!.split(':');
  seed.hostname = host;
  seed.port = port;
  return { url: seed.toString().replace(/\/$/, ''), map };
}

/** What the proxy adds to a PING's round trip: the median through it minus the median straight to Redis. */
async function redisRoundTrip(direct: string, proxied: string): Promise<number> {
  if (direct === proxied) return 0;
  // One line out, one line back (a server with a password answers -NOAUTH: as good a round trip).
  const ping = (url: string) => measureRoundTrip(Number(new URL(url).port), 'PING\r\n', 50);
  return Math.max(0, (await ping(proxied)) - (await ping(direct)));
}

/** Polls the fleet's lease sets until none belongs to the killed worker (lease ids start with host:pid:). */
async function waitLeasesGone(url: string, keyPrefix: string, pid: number, killedAt: number, timeoutMs: number): Promise<number | null> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const keys = await client.keys(`${keyPrefix}:*:leases`);
    const mine = (id: string): boolean => id.split(':').at(-3) === String(pid);
    while (performance.now() - killedAt < timeoutMs) {
      // A lease counts while its expiry (server clock) is ahead; expired ones leave the set on the next acquisition.
      const [seconds, micros] = (await client.time()) as unknown as [string, string];
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      let live = 0;
      for (const key of keys) live += (await client.zRangeByScore(key, now, '+inf')).filter(mine).length;
      if (live === 0) return (performance.now() - killedAt) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  } finally {
    client.destroy();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function resetProvider(origin: string): Promise<void> {
  const response = await fetch(`${origin}/_fake/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`fake provider reset answered ${response.status}`);
}
