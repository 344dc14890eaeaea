// Side-by-side throughput/latency/CPU of both engines against the loopback fake provider.
// One process runs both engines so the ratios are measured under the same machine load; each
// (provider, operation) pair alternates which engine goes first to cancel warm-up order bias.
import { Bench } from 'tinybench';
import { createModelRegistry } from '../../index.ts';
import { silentLogger } from '../../core/logger.ts';
import type { EngineName, ModelClient } from '../../core/model-client.ts';
import type { ChatRequest, EmbeddingRequest, ProviderType } from '../../core/types.ts';

export type BenchOperation = 'chat' | 'embedding';

export interface BenchTarget {
  provider: ProviderType;
  operation: BenchOperation;
  model: string;
}

export const DEFAULT_TARGETS: readonly BenchTarget[] = [
  { provider: 'openai', operation: 'chat', model: 'gpt-4o-mini' },
  { provider: 'openai', operation: 'embedding', model: 'text-embedding-3-small' },
  { provider: 'anthropic', operation: 'chat', model: 'claude-sonnet-4-5' },
  { provider: 'bedrock', operation: 'chat', model: 'us.amazon.nova-micro-v1:0' },
  { provider: 'bedrock', operation: 'embedding', model: 'cohere.embed-english-v3' },
];

export interface BenchSettings {
  endpoints: Record<ProviderType, string>;
  targets: readonly BenchTarget[];
  /** Measured time per engine × target. */
  timeMs: number;
  /** Calls in flight at once within a task. */
  concurrency: number;
  warmupCalls: number;
  onProgress?: (line: string) => void;
}

export interface BenchRow {
  engine: EngineName;
  provider: ProviderType;
  operation: BenchOperation;
  runs: number;
  errors: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
}

export interface BenchRatio {
  provider: ProviderType;
  operation: BenchOperation;
  /** v2 / legacy; > 1 means v2 is faster for ops/s, slower for latency and CPU. */
  opsPerSec: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
}

export interface BenchReport {
  rows: BenchRow[];
  ratios: BenchRatio[];
  peakRssMb: Record<EngineName, number>;
}

const CHAT: Omit<ChatRequest, 'model'> = {
  messages: [
    { role: 'system', content: 'You write one short sentence.' },
    { role: 'user', content: 'Describe a lighthouse at dusk.' },
  ],
  max_tokens: 64,
  temperature: 0.7,
};
const EMBED: Omit<EmbeddingRequest, 'model'> = { input: ['lighthouse', 'harbour at dusk', 'fog horn', 'tide table'] };

const TOKEN = 'bench-key-not-a-secret';

function clientsFor(engine: EngineName, settings: BenchSettings) {
  const providers = (['openai', 'anthropic', 'bedrock'] as const).map((type) => ({
    name: `${type}-fake`,
    endpoint: settings.endpoints[type],
    providerType: type,
    apiKey: TOKEN,
    ...(type === 'bedrock' ? { region: 'us-east-1' } : {}),
  }));
  const models = settings.targets.map((t) => ({
    alias: `${t.provider}-${t.operation}`,
    model: t.model,
    provider: `${t.provider}-fake`,
    inferenceParameters:
      t.operation === 'embedding'
        ? { generationType: 'embedding' as const, maxParallelRequests: settings.concurrency }
        : { maxParallelRequests: settings.concurrency },
  }));
  return createModelRegistry({ providers, models }, { engine, logger: silentLogger, env: {} });
}

function call(client: ModelClient, target: BenchTarget): Promise<unknown> {
  return target.operation === 'chat'
    ? client.chat({ ...CHAT, model: target.model })
    : client.embed({ ...EMBED, model: target.model });
}

async function measure(engine: EngineName, client: ModelClient, target: BenchTarget, settings: BenchSettings): Promise<BenchRow> {
  for (let i = 0; i < settings.warmupCalls; i++) await call(client, target);
  let errors = 0;
  const bench = new Bench({
    concurrency: 'task',
    threshold: settings.concurrency,
    time: settings.timeMs,
    iterations: 0,
    warmup: false,
    throws: false,
  });
  bench.add(`${engine} ${target.provider} ${target.operation}`, async () => {
    try {
      await call(client, target);
    } catch {
      errors++;
    }
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await bench.run();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const task = bench.tasks[0];
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${result.state}`);
  const runs = task.runs;
  return {
    engine,
    provider: target.provider,
    operation: target.operation,
    runs,
    errors,
    opsPerSec: (runs / wallMs) * 1000,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, runs),
  };
}

export async function runEngineBench(settings: BenchSettings): Promise<BenchReport> {
  const registries = { legacy: clientsFor('legacy', settings), v2: clientsFor('v2', settings) };
  const peakRss: Record<EngineName, number> = { legacy: 0, v2: 0 };
  let sampling: EngineName | undefined;
  const sampler = setInterval(() => {
    if (sampling) peakRss[sampling] = Math.max(peakRss[sampling], process.memoryUsage.rss());
  }, 20);
  const rows: BenchRow[] = [];
  try {
    for (const [index, target] of settings.targets.entries()) {
      const order: EngineName[] = index % 2 === 0 ? ['legacy', 'v2'] : ['v2', 'legacy'];
      for (const engine of order) {
        const client = await registries[engine].getClient(`${target.provider}-${target.operation}`);
        sampling = engine;
        const row = await measure(engine, client, target, settings);
        sampling = undefined;
        rows.push(row);
        settings.onProgress?.(
          `${engine.padEnd(6)} ${target.provider.padEnd(9)} ${target.operation.padEnd(9)} ${row.opsPerSec.toFixed(0).padStart(6)} ops/s  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  ${row.cpuUsPerRequest.toFixed(0)} µs CPU/req${row.errors ? `  ${row.errors} errors` : ''}`,
        );
      }
    }
  } finally {
    clearInterval(sampler);
    await Promise.all([registries.legacy.close(), registries.v2.close()]);
  }
  const ratios: BenchRatio[] = settings.targets.map((target) => {
    const pick = (engine: EngineName) =>
      rows.find((r) => r.engine === engine && r.provider === target.provider && r.operation === target.operation)!;
    const legacy = pick('legacy');
    const v2 = pick('v2');
    return {
      provider: target.provider,
      operation: target.operation,
      opsPerSec: v2.opsPerSec / legacy.opsPerSec,
      p50: v2.p50Ms / legacy.p50Ms,
      p99: v2.p99Ms / legacy.p99Ms,
      cpuPerRequest: v2.cpuUsPerRequest / legacy.cpuUsPerRequest,
    };
  });
  return {
    rows,
    ratios,
    peakRssMb: { legacy: peakRss.legacy / 2 ** 20, v2: peakRss.v2 / 2 ** 20 },
  };
}

export interface OverloadResult {
  engine: EngineName;
  calls: number;
  succeeded: number;
  failed: number;
  /** 429s the provider sent (its capacity was exceeded). */
  rateLimited: number;
  wallMs: number;
}

/**
 * A provider that accepts fewer requests than the configured concurrency: does the engine adapt
 * (v2's AIMD throttle) or burn its retry budget on 429s? `endpoint` must be a fresh fake provider
 * with a capacity limit; `stats` reads its counters.
 */
export async function runOverload(
  engine: EngineName,
  endpoint: string,
  stats: () => { rejectedByCapacity: number },
  options: { calls: number; concurrency: number },
): Promise<OverloadResult> {
  const registry = createModelRegistry(
    {
      providers: [{ name: 'overloaded', endpoint, providerType: 'openai', apiKey: TOKEN }],
      models: [{ alias: 'm', model: 'gpt-4o-mini', provider: 'overloaded', inferenceParameters: { maxParallelRequests: options.concurrency } }],
    },
    { engine, logger: silentLogger, env: {} },
  );
  try {
    const client = await registry.getClient('m');
    const before = stats().rejectedByCapacity;
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: options.calls }, (_, i) =>
        client.chat({ ...CHAT, model: 'gpt-4o-mini', messages: [{ role: 'user', content: `row ${i}` }] }),
      ),
    );
    const wallMs = performance.now() - started;
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    return {
      engine,
      calls: options.calls,
      succeeded,
      failed: options.calls - succeeded,
      rateLimited: stats().rejectedByCapacity - before,
      wallMs,
    };
  } finally {
    await registry.close();
  }
}
