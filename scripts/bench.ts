#!/usr/bin/env node
// npm run bench -- --mode compare [--json file] [--time-ms N] [--concurrency N] [--latency-ms N]
// Both engines, one process, against the fake provider running in a child process (so the CPU
// we measure is the client's alone). Reports ratios: the machines are shared and noisy, so only
// figures measured side by side in one run mean anything.
import { spawn, execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseFlags } from '../src/config/command-line-flags.ts';
import { ensureWritable, numberOption, runCli, UsageError, writeReport } from '../src/testing/compare/cli-options.ts';
import {
  DEFAULT_TARGETS,
  runEngineBench,
  runOverload,
  type BenchReport,
  type OverloadResult,
} from '../src/testing/bench/run-engine-bench.ts';
import { startFakeProvider } from '../src/testing/fake-provider/fake-provider-server.ts';
import { CAPACITY_SCENARIOS } from '../src/testing/bench/capacity-scenarios.ts';
import { DEFAULT_SHADOW_MAX_CPU } from '../src/shadow/shadow-config.ts';
import { CAPACITY_VARIANTS, runCapacityScenario, type CapacityRow } from '../src/testing/bench/run-capacity-bench.ts';
import { capacityTable } from '../src/testing/bench/capacity-table.ts';
import { EMBEDDING_BENCH, runEmbeddingBench } from '../src/testing/bench/run-embedding-bench.ts';
import { embeddingTable } from '../src/testing/bench/embedding-table.ts';
import { runColdStartDist, type ColdStartDistReport } from '../src/testing/bench/cold-start.ts';
import { referenceTable, coldStartDistTable } from '../src/testing/bench/reference-table.ts';
import { runInstrumentationCli } from '../src/testing/bench/instrumentation-cli.ts';
import {
  FLEET_SCENARIOS,
  FLEET_WARM_UP_CALLS,
  FLEET_STORES,
  runFleetScenario,
  type FleetEvent,
  type FleetRow,
  type FleetStore,
} from '../src/testing/bench/run-fleet-bench.ts';
import { fleetTable } from '../src/testing/bench/fleet-table.ts';
import { redisClusterToolsAvailable, startRedisCluster } from '../src/testing/redis/redis-cluster.ts';
import { redisServerAvailable, startRedisServer } from '../src/testing/redis/redis-server.ts';
import type { EngineName } from '../src/core/model-client.ts';
import { runShadowBench, shadowBenchTable, SHADOW_BENCH_RATES } from '../src/testing/bench/run-shadow-bench.ts';
import type { ProviderType } from '../src/core/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: npm run bench -- --mode compare|capacity|embeddings|shadow|instrumentation|fleet|cold-start [options]

  --mode compare        both engines side by side, no provider limit: ops/s, latency, CPU ratios
  --mode capacity       both engines and both v2 admission policies against provider limits
                        (scenarios a–f, docs/benchmarks.md); all of them take about 12 minutes
  --mode embeddings     both engines: a 1,000-text Titan call and a 10,000-text Cohere call at
                        50 ms latency, maxParallelRequests 32, against 1.5 × requests/32 × 50 ms
  --mode shadow         the primary's latency/throughput with shadow mode off, at 0.1 and 1.0,
                        and the CPU the shadow adds per sampled call and per shadow run
                        (docs/benchmarks.md)
  --mode instrumentation  CPU per v2 facade call with observability off / compiled in with no
                        OpenTelemetry SDK / with the SDK registered (docs/benchmarks.md)
  --mode fleet          N worker processes (each maxParallelRequests 64) against one fake
                        provider, local and Redis admission stores side by side (docs/benchmarks.md "Fleet")
  --mode cold-start     only the built-dist cold start of compare (\`npm run build\` first):
                        --cold-runs interleaved rounds (default 10), wall and CPU ms
  --json <file>         write the full report as JSON

compare options:
  --time-ms <n>         measured time per engine × provider × operation (default 3000)
  --concurrency <n>     calls in flight per task (default 8)
  --latency-ms <n>      fake provider latency per answer (default 2)
  --cold-runs <n>       child processes per engine for cold-start timing (default 3); also the
                        rounds of the built-dist cold start (baseline, import, first call per
                        provider: v2, legacy, bare SDK), which runs \`npm run build\` first
  --no-references       skip the reference rows (undici floor, bare SDKs) and the dist cold start
  --overload-calls <n>  calls in the overload scenario (default 200; 0 skips it)

embeddings options:
  --repeats <n>         measured calls per engine × call, median reported (default 3)

shadow options:
  --time-ms <n>         measured time per primary × provider × rate per round (default 3000)
  --rounds <n>          rounds, rates and a shadow-off control rotated in each; medians (default 3)
  --concurrency <n>     calls in flight (default 8)
  --latency-ms <n>      fake provider latency per answer (default 2)
  --providers <list>    e.g. openai,bedrock (default openai,anthropic,bedrock)
  --queue-size <n>      shadow queue size (default 64)
  --max-cpu <x>         shadow.maxCpuShare, 0.001–1 (default: shadow mode's, ${DEFAULT_SHADOW_MAX_CPU})

instrumentation options:
  --time-ms <n>         measured time per variant per round (default 2000)
  --rounds <n>          rounds, variants rotated in each (default 5)
  --concurrency <n>     calls in flight (default 8)
  --latency-ms <n>      fake provider latency per answer (default 2)

capacity options:
  --scenarios <list>    e.g. a,b,e (default all: a–f, and the references r for a, s for d)
  --variants <list>     from v2-capacity,v2-aimd,legacy (default all)
  --max-seconds <n>     cut a variant off after this long (default 300); cut-off calls count as failed

fleet options:
  --workers <list>      worker processes, e.g. 4,16 (default 4; 16 is about what two cores can run)
  --rtt-ms <list>       round trip added between every worker and Redis and the provider by a TCP
                        delay proxy, e.g. 0,1,3 (default 0: plain loopback; a cluster: a proxy per node)
  --store <list>        from local,redis,cluster,known, or both (= local,redis; the default); the bench
                        starts its own redis-server, and for cluster a 3-primary Redis Cluster
                        (redis-cli); known is the yardstick: scenario a's cap of 16 split over the
                        workers as their maxParallelRequests, no store (not run for b)
  --scenarios <list>    from a,b (capacity scenarios a and b; default both)
  --kill-worker         also a run per store that SIGKILLs one worker halfway
  --restart-redis       also a Redis run that restarts redis-server halfway
  --calls <n>           calls per run instead of the scenario's (short smoke runs)
  --max-seconds <n>     give up on a run after this long (default 300); unsettled calls count as lost
  --trace               workers print their limit changes and warnings to stderr (ms since the start)
  --warm-up-calls <n>   calls each worker makes on a model of its own before the clock starts, so the
                        job runs compiled code (default ${FLEET_WARM_UP_CALLS}; 0: one call, the job's first second
                        interpreted)
`;

// Overload: more configured concurrency than the provider accepts. Shows whether an engine
// adapts (v2's AIMD admission) or spends its retry budget on 429s.
const OVERLOAD = { capacity: 4, concurrency: 16, retryAfterSeconds: 0.05, latencyMs: 20 };

async function overloadScenario(calls: number): Promise<OverloadResult[]> {
  const results: OverloadResult[] = [];
  for (const engine of ['legacy', 'v2'] as const) {
    const provider = await startFakeProvider({
      capacity: OVERLOAD.capacity,
      retryAfterSeconds: OVERLOAD.retryAfterSeconds,
      latencyMs: OVERLOAD.latencyMs,
    });
    try {
      results.push(
        await runOverload(engine, provider.endpoints.openai, () => provider.stats(), { calls, concurrency: OVERLOAD.concurrency }),
      );
    } finally {
      await provider.close();
    }
  }
  return results;
}

function overloadTable(results: OverloadResult[]): string {
  const lines = [
    '',
    `overload: ${OVERLOAD.concurrency} configured in flight, provider capacity ${OVERLOAD.capacity} (429 + retry-after ${OVERLOAD.retryAfterSeconds} s above it)`,
    '',
    'engine  calls  succeeded  failed  provider 429s  wall',
  ];
  for (const r of results) {
    lines.push(
      `${r.engine.padEnd(7)} ${String(r.calls).padEnd(6)} ${String(r.succeeded).padEnd(10)} ${String(r.failed).padEnd(7)} ${String(r.rateLimited).padEnd(14)} ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }
  return lines.join('\n');
}

interface FakeProviderProcess {
  endpoints: Record<ProviderType, string>;
  stop(): Promise<void>;
}

async function startFakeProviderProcess(latencyMs: number): Promise<FakeProviderProcess> {
  const child = spawn(process.execPath, [join(root, 'scripts/fake-provider.ts'), '--port', '0', '--latency-ms', String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('fake provider did not start within 15 s')), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) {
        clearTimeout(timer);
        resolveUrl(line.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`fake provider exited with code ${code}`)));
  });
  return {
    endpoints: { openai: `${url}/v1`, anthropic: url, bedrock: url },
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

// Cold start: a fresh process imports the library, creates one client per provider and makes one
// chat call each — SDK loading happens somewhere in there for v2, so all of it is counted.
const COLD_START_SCRIPT = `
const started = performance.now();
const { createModelRegistry } = await import(process.argv[1]);
const endpoints = JSON.parse(process.argv[3]);
const providers = ['openai', 'anthropic', 'bedrock'].map((t) => ({ name: t, endpoint: endpoints[t], providerType: t, apiKey: 'bench-key-not-a-secret', region: t === 'bedrock' ? 'us-east-1' : undefined }));
const models = [
  { alias: 'openai', model: 'gpt-4o-mini', provider: 'openai' },
  { alias: 'anthropic', model: 'claude-sonnet-4-5', provider: 'anthropic' },
  { alias: 'bedrock', model: 'us.amazon.nova-micro-v1:0', provider: 'bedrock' },
];
const registry = createModelRegistry({ providers, models }, { engine: process.argv[2], env: {}, logger: { debug() {}, info() {}, warn() {} } });
for (const alias of ['openai', 'anthropic', 'bedrock']) {
  const client = await registry.getClient(alias);
  await client.chat({ model: '', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 });
}
const elapsed = performance.now() - started;
await registry.close();
process.stdout.write(String(elapsed));
`;

async function coldStartOnce(engine: EngineName, endpoints: Record<ProviderType, string>): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    COLD_START_SCRIPT,
    pathToFileURL(join(root, 'src/index.ts')).href,
    engine,
    JSON.stringify(endpoints),
  ]);
  return Number(stdout);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function table(report: BenchReport, cold: Record<EngineName, number>): string {
  const lines = ['', 'v2 / legacy ratios (ops/s > 1: v2 faster; latency and CPU < 1: v2 cheaper)', ''];
  lines.push('provider   operation  ops/s   p50     p99     CPU/req');
  for (const r of report.ratios) {
    lines.push(
      `${r.provider.padEnd(10)} ${r.operation.padEnd(10)} ${r.opsPerSec.toFixed(2).padEnd(7)} ${r.p50.toFixed(2).padEnd(7)} ${r.p99.toFixed(2).padEnd(7)} ${r.cpuPerRequest.toFixed(2)}`,
    );
  }
  lines.push('');
  lines.push(
    `cold start (import + 3 clients + 3 calls, median): legacy ${cold.legacy.toFixed(0)} ms, v2 ${cold.v2.toFixed(0)} ms, ratio ${(cold.v2 / cold.legacy).toFixed(2)}`,
  );
  lines.push(
    `peak RSS while each engine ran: legacy ${report.peakRssMb.legacy.toFixed(0)} MiB, v2 ${report.peakRssMb.v2.toFixed(0)} MiB (one process; v2 ran with legacy already loaded and vice versa)`,
  );
  return lines.join('\n');
}

function pickList<T extends string>(raw: string | undefined, flag: string, allowed: readonly T[]): T[] {
  if (raw === undefined) return [...allowed];
  const picked = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = picked.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0 || picked.length === 0) {
    throw new UsageError(
      `${flag}: ${unknown.length ? `unknown ${unknown.map((u) => `"${u}"`).join(', ')}` : 'empty'}; choose from ${allowed.join(', ')}`,
    );
  }
  return picked as T[];
}

/** A comma-separated list of numbers (each checked as numberOption does), or undefined when the flag is absent. */
function numberList(raw: string | undefined, flag: string, bounds: Parameters<typeof numberOption>[2]): number[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((item) => item.trim());
  return [...new Set(items.map((item) => numberOption(item, flag, bounds)!))];
}

async function runCapacityCli(settings: {
  scenarios: string[];
  variants: (typeof CAPACITY_VARIANTS)[number][];
  maxSeconds: number;
  json?: string;
}): Promise<number> {
  process.stdout.write(
    `bench capacity: scenarios ${settings.scenarios.join(',')}, variants ${settings.variants.join(', ')}, ${cpus().length} cores, node ${process.version}\n\n`,
  );
  const rows: CapacityRow[] = [];
  for (const scenario of CAPACITY_SCENARIOS.filter((s) => settings.scenarios.includes(s.id))) {
    process.stdout.write(`${scenario.id}. ${scenario.title}\n`);
    for (const variant of settings.variants) {
      const row = await runCapacityScenario(scenario, variant, { maxSeconds: settings.maxSeconds });
      rows.push(row);
      process.stdout.write(
        `   ${variant.padEnd(12)} ${row.succeeded}/${row.calls} ok, ${row.failed} failed, ${row.lost} lost, ${row.wallSeconds.toFixed(1)} s, goodput ${(row.goodput * 100).toFixed(0)} %\n`,
      );
    }
  }
  process.stdout.write(`\n${capacityTable(rows)}\n`);
  if (settings.json) {
    const report = {
      environment: { node: process.version, cores: cpus().length, date: new Date().toISOString() },
      settings: { maxSeconds: settings.maxSeconds },
      scenarios: CAPACITY_SCENARIOS.filter((s) => settings.scenarios.includes(s.id)).map(({ id, title, limitingResource }) => ({
        id,
        title,
        limitingResource,
      })),
      rows,
    };
    await writeReport(settings.json, '--json', `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`JSON report written to ${settings.json}\n`);
  }
  // A lost call is a defect whatever the policy; failures are what legacy and AIMD are shown for.
  return rows.some((r) => r.lost > 0) ? 1 : 0;
}

async function runFleetCli(settings: {
  workers: number[];
  rttMs: number[];
  stores: FleetStore[];
  scenarios: (typeof FLEET_SCENARIOS)[number][];
  killWorker: boolean;
  restartRedis: boolean;
  calls?: number;
  maxSeconds: number;
  trace: boolean;
  warmUpCalls: number;
  json?: string;
}): Promise<number> {
  const redis = settings.stores.includes('redis') ? await startRedisServer() : undefined;
  const cluster = settings.stores.includes('cluster') ? await startRedisCluster({ primaries: 3 }) : undefined;
  process.stdout.write(
    `bench fleet: ${settings.workers.join(',')} workers × maxParallelRequests 64, RTT ${settings.rttMs.join(',')} ms, ` +
      `scenarios ${settings.scenarios.join(',')}, stores ${settings.stores.join(', ')}` +
      `${redis ? ` (redis-server on 127.0.0.1:${redis.port})` : ''}${cluster ? ` (Redis Cluster ${cluster.nodes.join(',')})` : ''}, ` +
      `warm-up ${settings.warmUpCalls} calls per worker, ${cpus().length} cores, node ${process.version}, load ${loadavg()[0].toFixed(1)}\n\n`,
  );
  const rows: FleetRow[] = [];
  try {
    for (const scenario of settings.scenarios) {
      const runs: [FleetStore, FleetEvent][] = [];
      for (const store of settings.stores) runs.push([store, 'none']);
      if (settings.killWorker) for (const store of settings.stores) runs.push([store, 'kill-worker']);
      if (settings.restartRedis && redis) runs.push(['redis', 'restart-redis']);
      for (const workers of settings.workers) {
        for (const rttMs of settings.rttMs) {
          for (const [store, event] of runs) {
            // The yardstick splits a concurrency cap; a rate limit has none to split.
            if (store === 'known' && scenario !== 'a') continue;
            const row = await runFleetScenario(scenario, store, event, {
              trace: settings.trace,
              warmUpCalls: settings.warmUpCalls,
              workers,
              rttMs,
              calls: settings.calls,
              maxSeconds: settings.maxSeconds,
              redis,
              cluster,
            });
            rows.push(row);
            const late = row.rateLimitedShareAfter5s === null ? '—' : `${(row.rateLimitedShareAfter5s * 100).toFixed(1)} %`;
            process.stdout.write(
              `${scenario} ${store.padEnd(7)} ${event.padEnd(13)} ${workers} workers, rtt ${rttMs} ms: ${row.succeeded}/${row.calls} ok, ` +
                `${row.failed} failed, ${row.lost} lost, ${row.wallSeconds.toFixed(1)} s, goodput ${(row.goodput * 100).toFixed(0)} % ` +
                `(to 90 %: ${row.goodputTo90 === null ? '—' : `${(row.goodputTo90 * 100).toFixed(0)} %`}), ` +
                `429s after 5 s ${late}, load ${loadavg()[0].toFixed(1)}\n`,
            );
          }
        }
      }
    }
  } finally {
    await redis?.stop();
    await cluster?.stop();
  }
  process.stdout.write(`\n${fleetTable(rows)}\n`);
  if (settings.json) {
    const report = {
      environment: { node: process.version, cores: cpus().length, date: new Date().toISOString(), loadAverage: loadavg() },
      settings: {
        workers: settings.workers,
        rttMs: settings.rttMs,
        maxParallelRequests: 64,
        calls: settings.calls ?? 'scenario',
        maxSeconds: settings.maxSeconds,
        warmUpCallsPerWorker: settings.warmUpCalls,
      },
      rows,
    };
    await writeReport(settings.json, '--json', `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`JSON report written to ${settings.json}\n`);
  }
  // Lost calls are a defect with any store; failed calls are one with a Redis store.
  return rows.some((r) => r.lost > 0 || (r.store !== 'local' && r.failed > 0)) ? 1 : 0;
}

async function runEmbeddingsCli(settings: { repeats: number; json?: string }): Promise<number> {
  const { latencyMs, maxParallelRequests, targetFactor } = EMBEDDING_BENCH;
  process.stdout.write(
    `bench embeddings: both engines, fake provider latency ${latencyMs} ms, maxParallelRequests ${maxParallelRequests}, target ${targetFactor} × requests/${maxParallelRequests} × ${latencyMs} ms, ${settings.repeats} runs each, ${cpus().length} cores, node ${process.version}\n\n`,
  );
  const rows = await runEmbeddingBench({
    engines: ['legacy', 'v2'],
    repeats: settings.repeats,
    onProgress: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`\n${embeddingTable(rows)}\n`);
  if (settings.json) {
    const report = {
      environment: { node: process.version, cores: cpus().length, date: new Date().toISOString() },
      settings: { ...EMBEDDING_BENCH, repeats: settings.repeats },
      rows,
    };
    await writeReport(settings.json, '--json', `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`JSON report written to ${settings.json}\n`);
  }
  return rows.every((r) => r.withinTarget) ? 0 : 1;
}

await runCli('bench', async () => {
  const { values } = parseFlags({
    options: {
      mode: { type: 'string' },
      json: { type: 'string' },
      'time-ms': { type: 'string' },
      concurrency: { type: 'string' },
      'latency-ms': { type: 'string' },
      'cold-runs': { type: 'string' },
      'overload-calls': { type: 'string' },
      'no-references': { type: 'boolean' },
      scenarios: { type: 'string' },
      variants: { type: 'string' },
      'max-seconds': { type: 'string' },
      repeats: { type: 'string' },
      providers: { type: 'string' },
      'queue-size': { type: 'string' },
      'max-cpu': { type: 'string' },
      rounds: { type: 'string' },
      workers: { type: 'string' },
      store: { type: 'string' },
      calls: { type: 'string' },
      'kill-worker': { type: 'boolean' },
      'restart-redis': { type: 'boolean' },
      'rtt-ms': { type: 'string' },
      trace: { type: 'boolean' },
      'warm-up-calls': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.mode === 'capacity') {
    const scenarios = pickList(
      values.scenarios,
      '--scenarios',
      CAPACITY_SCENARIOS.map((s) => s.id),
    );
    const variants = pickList(values.variants, '--variants', CAPACITY_VARIANTS);
    const maxSeconds = numberOption(values['max-seconds'], '--max-seconds', { min: 1 }) ?? 300;
    if (values.json) await ensureWritable(values.json, '--json');
    return runCapacityCli({ scenarios, variants, maxSeconds, json: values.json });
  }
  if (values.mode === 'fleet') {
    const workers = numberList(values.workers, '--workers', { min: 1, max: 64, integer: true }) ?? [4];
    const rttMs = numberList(values['rtt-ms'], '--rtt-ms', { min: 0, max: 100 }) ?? [0];
    const picked = pickList(values.store ?? 'both', '--store', [...FLEET_STORES, 'both'] as const);
    const stores = [...new Set(picked.flatMap((s): FleetStore[] => (s === 'both' ? ['local', 'redis'] : [s])))];
    const cap = CAPACITY_SCENARIOS.find((s) => s.id === 'a')?.provider.capacity ?? 0;
    if (stores.includes('known') && workers.some((n) => n > cap))
      throw new UsageError(`--store known splits scenario a's cap of ${cap} over the workers: at most ${cap} workers`);
    if (stores.includes('redis') && !redisServerAvailable())
      throw new UsageError('--store redis needs redis-server on the PATH (apt-get install redis-server), or use --store local');
    if (stores.includes('cluster') && !redisClusterToolsAvailable())
      throw new UsageError(
        '--store cluster needs redis-server and redis-cli on the PATH (apt-get install redis-server), or use --store local',
      );
    const scenarios = pickList(values.scenarios, '--scenarios', FLEET_SCENARIOS);
    const calls = numberOption(values.calls, '--calls', { min: 1, integer: true });
    const maxSeconds = numberOption(values['max-seconds'], '--max-seconds', { min: 1 }) ?? 300;
    const warmUpCalls = numberOption(values['warm-up-calls'], '--warm-up-calls', { min: 0, integer: true }) ?? FLEET_WARM_UP_CALLS;
    if (values.json) await ensureWritable(values.json, '--json');
    return runFleetCli({
      warmUpCalls,
      workers,
      rttMs,
      stores,
      scenarios,
      killWorker: Boolean(values['kill-worker']),
      restartRedis: Boolean(values['restart-redis']),
      calls,
      maxSeconds,
      trace: Boolean(values.trace),
      json: values.json,
    });
  }
  if (values.mode === 'embeddings') {
    const repeats = numberOption(values.repeats, '--repeats', { min: 1, integer: true }) ?? 3;
    if (values.json) await ensureWritable(values.json, '--json');
    return runEmbeddingsCli({ repeats, json: values.json });
  }
  if (values.mode === 'shadow') {
    const providers = pickList(values.providers, '--providers', ['openai', 'anthropic', 'bedrock']) as ProviderType[];
    const timeMs = numberOption(values['time-ms'], '--time-ms', { min: 100, integer: true }) ?? 3000;
    const concurrency = numberOption(values.concurrency, '--concurrency', { min: 1, integer: true }) ?? 8;
    const latencyMs = numberOption(values['latency-ms'], '--latency-ms', { min: 0 }) ?? 2;
    const queueSize = numberOption(values['queue-size'], '--queue-size', { min: 1, integer: true }) ?? 64;
    const rounds = numberOption(values.rounds, '--rounds', { min: 1, integer: true }) ?? 3;
    const maxCpuShare = numberOption(values['max-cpu'], '--max-cpu', { min: 0.001, max: 1 });
    if (values.json) await ensureWritable(values.json, '--json');
    const fake = await startFakeProviderProcess(latencyMs);
    try {
      process.stdout.write(
        `bench shadow: rates ${SHADOW_BENCH_RATES.join(', ')}, ${rounds} rounds of ${timeMs} ms each, ${concurrency} in flight, fake provider latency ${latencyMs} ms, queue ${queueSize}, max CPU share ${maxCpuShare ?? 'default'}, ${cpus().length} cores, node ${process.version}\n\n`,
      );
      const rows = await runShadowBench({
        endpoints: fake.endpoints,
        providers,
        primaries: ['legacy', 'v2'],
        rates: SHADOW_BENCH_RATES,
        timeMs,
        rounds,
        maxCpuShare,
        concurrency,
        queueSize,
        warmupCalls: 20,
        onProgress: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`\n${shadowBenchTable(rows)}\n`);
      if (values.json) {
        await writeReport(
          values.json,
          '--json',
          `${JSON.stringify({ mode: 'shadow', settings: { timeMs, rounds, maxCpuShare: maxCpuShare ?? null, concurrency, latencyMs, queueSize, providers, rates: SHADOW_BENCH_RATES }, rows }, null, 2)}\n`,
        );
        process.stdout.write(`JSON report written to ${values.json}\n`);
      }
      return rows.every((r) => r.errors === 0 && r.outOfParity === 0 && r.failed === 0) ? 0 : 1;
    } finally {
      await fake.stop();
    }
  }
  if (values.mode === 'instrumentation') {
    const timeMs = numberOption(values['time-ms'], '--time-ms', { min: 100, integer: true }) ?? 2000;
    const rounds = numberOption(values.rounds, '--rounds', { min: 1, integer: true }) ?? 5;
    const concurrency = numberOption(values.concurrency, '--concurrency', { min: 1, integer: true }) ?? 8;
    const latencyMs = numberOption(values['latency-ms'], '--latency-ms', { min: 0 }) ?? 2;
    if (values.json) await ensureWritable(values.json, '--json');
    const fake = await startFakeProviderProcess(latencyMs);
    try {
      return await runInstrumentationCli({ endpoint: fake.endpoints.openai, timeMs, rounds, concurrency, latencyMs, json: values.json });
    } finally {
      await fake.stop();
    }
  }
  if (values.mode === 'cold-start') {
    const runs = numberOption(values['cold-runs'], '--cold-runs', { min: 1, integer: true }) ?? 10;
    if (values.json) await ensureWritable(values.json, '--json');
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: root });
    const fake = await startFakeProviderProcess(0);
    try {
      const coldStartDist = await runColdStartDist(root, fake.endpoints, runs);
      process.stdout.write(`${coldStartDistTable(coldStartDist)}\n`);
      const environment = { node: process.version, cores: cpus().length, date: new Date().toISOString() };
      if (values.json)
        await writeReport(values.json, '--json', `${JSON.stringify({ mode: 'cold-start', environment, coldStartDist }, null, 2)}\n`);
      return 0;
    } finally {
      await fake.stop();
    }
  }
  if (values.mode !== 'compare')
    throw new UsageError(
      `--mode must be "compare", "capacity", "embeddings", "shadow", "instrumentation", "fleet" or "cold-start" ` +
        `(got ${values.mode === undefined ? 'nothing' : `"${values.mode}"`})`,
    );
  const timeMs = numberOption(values['time-ms'], '--time-ms', { min: 100, integer: true }) ?? 3000;
  const concurrency = numberOption(values.concurrency, '--concurrency', { min: 1, integer: true }) ?? 8;
  const latencyMs = numberOption(values['latency-ms'], '--latency-ms', { min: 0 }) ?? 2;
  const coldRuns = numberOption(values['cold-runs'], '--cold-runs', { min: 1, integer: true }) ?? 3;
  const overloadCalls = numberOption(values['overload-calls'], '--overload-calls', { min: 0, integer: true }) ?? 200;
  const references = !values['no-references'];
  // Before minutes of measuring, not after.
  if (values.json) await ensureWritable(values.json, '--json');

  const fake = await startFakeProviderProcess(latencyMs);
  try {
    process.stdout.write(
      `bench: both engines, ${timeMs} ms per task, ${concurrency} in flight, fake provider latency ${latencyMs} ms, ${cpus().length} cores, node ${process.version}\n\n`,
    );
    const report = await runEngineBench({
      endpoints: fake.endpoints,
      targets: DEFAULT_TARGETS,
      timeMs,
      concurrency,
      warmupCalls: 50,
      references,
      onProgress: (line) => process.stdout.write(`${line}\n`),
    });
    const samples: Record<EngineName, number[]> = { legacy: [], v2: [] };
    // Interleaved so both engines see the same background load.
    for (let i = 0; i < coldRuns; i++) {
      samples.legacy.push(await coldStartOnce('legacy', fake.endpoints));
      samples.v2.push(await coldStartOnce('v2', fake.endpoints));
    }
    const cold = { legacy: median(samples.legacy), v2: median(samples.v2) };
    process.stdout.write(`${table(report, cold)}\n`);
    if (references) process.stdout.write(`${referenceTable(report)}\n`);
    let coldDist: ColdStartDistReport | undefined;
    if (references) {
      // The dist cold start measures what a user installs: build it from this tree first.
      await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: root });
      coldDist = await runColdStartDist(root, fake.endpoints, coldRuns);
      process.stdout.write(`${coldStartDistTable(coldDist)}\n`);
    }
    const overload = overloadCalls > 0 ? await overloadScenario(overloadCalls) : [];
    if (overload.length) process.stdout.write(`${overloadTable(overload)}\n`);
    if (values.json) {
      await writeReport(
        values.json,
        '--json',
        `${JSON.stringify(
          {
            environment: { node: process.version, cores: cpus().length, date: new Date().toISOString() },
            settings: { timeMs, concurrency, latencyMs, coldRuns },
            results: report.rows,
            ratios: report.ratios,
            coldStartMs: { ...cold, ratio: cold.v2 / cold.legacy },
            peakRssMb: report.peakRssMb,
            references: references ? report.references : undefined,
            referenceRatios: references ? report.referenceRatios : undefined,
            coldStartDist: coldDist,
            overload: overload.length ? { ...OVERLOAD, results: overload } : undefined,
          },
          null,
          2,
        )}\n`,
      );
      process.stdout.write(`JSON report written to ${values.json}\n`);
    }
    const errors = [...report.rows, ...report.references].reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) process.stdout.write(`warning: ${errors} calls failed during the benchmark; figures include them\n`);
    return errors > 0 ? 1 : 0;
  } finally {
    await fake.stop();
  }
});
