// Side-by-side throughput/latency/CPU of both engines against the loopback fake provider.
// One process runs both engines so the ratios are measured under the same machine load; each
// (provider, operation) pair alternates which engine goes first to cancel warm-up order bias.
// Reference rows (reference-callers.ts) run in the same loop: the raw undici floor and the bare
// SDKs, each replaying the requests v2 sent, so every ratio can be read against them too.
import { Bench } from 'tinybench';
import { REFERENCE_VARIANTS, referenceCaller, type ReferenceCaller, type ReferenceVariant } from './reference-callers.ts';
import { type CapturedRequest, startRequestCapture } from './request-capture.ts';
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
  /** Also measure the floor and bare-SDK reference rows (default true). */
  references?: boolean;
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

export type { ReferenceVariant } from './reference-callers.ts';

export interface ReferenceRow extends Omit<BenchRow, 'engine'> {
  variant: ReferenceVariant;
}

/** a / b for each figure (ops/s > 1: a is faster; latency and CPU < 1: a is cheaper). */
export interface FigureRatios {
  opsPerSec: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
}

export interface ReferenceRatio {
  provider: ProviderType;
  operation: BenchOperation;
  /** v2 against the raw undici floor (same requests, same auth). */
  v2VsFloor: FigureRatios;
  /** v2 against the bare SDK with defaults (same auth as v2: Bedrock uses the API key). Target CPU ≤ 0.75. */
  v2VsSdk: FigureRatios;
  /** CPU per call of every row over the floor's (floor = 1): legacy, v2, sdk, and for Bedrock floor-sigv4, sdk-sigv4. */
  cpuVsFloor: Record<string, number>;
}

export interface BenchReport {
  rows: BenchRow[];
  ratios: BenchRatio[];
  peakRssMb: Record<EngineName, number>;
  /** Empty when `references` is false. */
  references: ReferenceRow[];
  referenceRatios: ReferenceRatio[];
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
const BEDROCK_REGION = 'us-east-1';

function clientsFor(engine: EngineName, settings: BenchSettings) {
  const providers = (['openai', 'anthropic', 'bedrock'] as const).map((type) => ({
    name: `${type}-fake`,
    endpoint: settings.endpoints[type],
    providerType: type,
    apiKey: TOKEN,
    ...(type === 'bedrock' ? { region: BEDROCK_REGION } : {}),
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
  return target.operation === 'chat' ? client.chat({ ...CHAT, model: target.model }) : client.embed({ ...EMBED, model: target.model });
}

type Figures = Omit<BenchRow, 'engine' | 'provider' | 'operation'>;

async function measure(label: string, send: () => Promise<unknown>, settings: BenchSettings): Promise<Figures> {
  for (let i = 0; i < settings.warmupCalls; i++) await send();
  let errors = 0;
  const bench = new Bench({
    concurrency: 'task',
    threshold: settings.concurrency,
    time: settings.timeMs,
    iterations: 0,
    warmup: false,
    throws: false,
  });
  bench.add(label, async () => {
    try {
      await send();
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
    runs,
    errors,
    opsPerSec: (runs / wallMs) * 1000,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, runs),
  };
}

function progressLine(name: string, target: BenchTarget, row: Figures): string {
  return `${name.padEnd(11)} ${target.provider.padEnd(9)} ${target.operation.padEnd(9)} ${row.opsPerSec.toFixed(0).padStart(6)} ops/s  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  ${row.cpuUsPerRequest.toFixed(0)} µs CPU/req${row.errors ? `  ${row.errors} errors` : ''}`;
}

function figureRatios(a: Figures, b: Figures): FigureRatios {
  return {
    opsPerSec: a.opsPerSec / b.opsPerSec,
    p50: a.p50Ms / b.p50Ms,
    p99: a.p99Ms / b.p99Ms,
    cpuPerRequest: a.cpuUsPerRequest / b.cpuUsPerRequest,
  };
}

/** One v2 call per target through a recording pass-through: the requests the reference rows replay. */
async function captureV2Requests(settings: BenchSettings): Promise<Map<BenchTarget, CapturedRequest[]>> {
  const captured = new Map<BenchTarget, CapturedRequest[]>();
  const captures = new Map<string, Awaited<ReturnType<typeof startRequestCapture>>>();
  const endpoints = { ...settings.endpoints };
  try {
    for (const [type, endpoint] of Object.entries(settings.endpoints) as [ProviderType, string][]) {
      const url = new URL(endpoint);
      if (!captures.has(url.origin)) captures.set(url.origin, await startRequestCapture(url.origin));
      endpoints[type] = `${captures.get(url.origin)!.url}${url.pathname.replace(/\/$/, '')}`;
    }
    const registry = clientsFor('v2', { ...settings, endpoints });
    try {
      for (const target of settings.targets) {
        const client = await registry.getClient(`${target.provider}-${target.operation}`);
        const capture = captures.get(new URL(settings.endpoints[target.provider]).origin)!;
        capture.requests.length = 0;
        await call(client, target);
        captured.set(target, [...capture.requests]);
      }
    } finally {
      await registry.close();
    }
  } finally {
    await Promise.all([...captures.values()].map((capture) => capture.close()));
  }
  return captured;
}

type Variant = EngineName | ReferenceVariant;

export async function runEngineBench(settings: BenchSettings): Promise<BenchReport> {
  const withReferences = settings.references ?? true;
  const sent = withReferences ? await captureV2Requests(settings) : new Map<BenchTarget, CapturedRequest[]>();
  const registries = { legacy: clientsFor('legacy', settings), v2: clientsFor('v2', settings) };
  const peakRss: Record<EngineName, number> = { legacy: 0, v2: 0 };
  let sampling: EngineName | undefined;
  const sampler = setInterval(() => {
    if (sampling) peakRss[sampling] = Math.max(peakRss[sampling], process.memoryUsage.rss());
  }, 20);
  const rows: BenchRow[] = [];
  const references: ReferenceRow[] = [];
  try {
    for (const [index, target] of settings.targets.entries()) {
      const engines: EngineName[] = index % 2 === 0 ? ['legacy', 'v2'] : ['v2', 'legacy'];
      // References go between and around the engines in turn, so none always runs first or last.
      const variants: Variant[] = [...engines, ...(withReferences ? REFERENCE_VARIANTS[target.provider] : [])];
      const shift = index % variants.length;
      const order = [...variants.slice(shift), ...variants.slice(0, shift)];
      for (const variant of order) {
        if (variant === 'legacy' || variant === 'v2') {
          const client = await registries[variant].getClient(`${target.provider}-${target.operation}`);
          sampling = variant;
          const figures = await measure(`${variant} ${target.provider} ${target.operation}`, () => call(client, target), settings);
          sampling = undefined;
          rows.push({ engine: variant, provider: target.provider, operation: target.operation, ...figures });
          settings.onProgress?.(progressLine(variant, target, figures));
          continue;
        }
        const caller: ReferenceCaller = await referenceCaller(
          {
            provider: target.provider,
            operation: target.operation,
            endpoint: settings.endpoints[target.provider],
            apiKey: TOKEN,
            region: BEDROCK_REGION,
            sent: sent.get(target)!,
          },
          variant,
        );
        try {
          const figures = await measure(`${variant} ${target.provider} ${target.operation}`, () => caller.call(), settings);
          references.push({ variant, provider: target.provider, operation: target.operation, ...figures });
          settings.onProgress?.(progressLine(variant, target, figures));
        } finally {
          await caller.close();
        }
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
  const referenceRatios: ReferenceRatio[] = withReferences
    ? settings.targets.map((target) => {
        const mine = (r: { provider: ProviderType; operation: BenchOperation }) =>
          r.provider === target.provider && r.operation === target.operation;
        const engineRows = rows.filter(mine);
        const refRows = references.filter(mine);
        const v2 = engineRows.find((r) => r.engine === 'v2')!;
        const floor = refRows.find((r) => r.variant === 'floor')!;
        const sdk = refRows.find((r) => r.variant === 'sdk')!;
        const cpuVsFloor: Record<string, number> = {};
        for (const r of engineRows) cpuVsFloor[r.engine] = r.cpuUsPerRequest / floor.cpuUsPerRequest;
        for (const r of refRows) cpuVsFloor[r.variant] = r.cpuUsPerRequest / floor.cpuUsPerRequest;
        return {
          provider: target.provider,
          operation: target.operation,
          v2VsFloor: figureRatios(v2, floor),
          v2VsSdk: figureRatios(v2, sdk),
          cpuVsFloor,
        };
      })
    : [];
  return {
    rows,
    ratios,
    peakRssMb: { legacy: peakRss.legacy / 2 ** 20, v2: peakRss.v2 / 2 ** 20 },
    references,
    referenceRatios,
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
 * (v2's AIMD admission) or burn its retry budget on 429s? `endpoint` must be a fresh fake provider
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
      models: [
        { alias: 'm', model: 'gpt-4o-mini', provider: 'overloaded', inferenceParameters: { maxParallelRequests: options.concurrency } },
      ],
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
