// Shadow mode's cost on the primary (docs/benchmarks.md, "shadow"): the same chat workload,
// against the fake provider in its own process, with shadow off, at 0.1 and at 1.0. Reports the
// primary's p50/p99 latency and throughput per setting, their ratio to shadow off, and the CPU the
// shadow adds per sampled call (process CPU per call, shadow runs drained, minus the same with
// shadow off, divided by the sampled share).
import { createModelRegistry } from '../../index.ts';
import { silentLogger } from '../../core/logger.ts';
import type { EngineName } from '../../core/model-client.ts';
import type { ProviderType } from '../../core/types.ts';

export const SHADOW_BENCH_RATES = [0, 0.1, 1] as const;

export const SHADOW_BENCH_MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};

export interface ShadowBenchSettings {
  endpoints: Record<ProviderType, string>;
  providers: readonly ProviderType[];
  primaries: readonly EngineName[];
  rates: readonly number[];
  /** Measured time per primary × provider × rate. */
  timeMs: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Shadow queue size (default 64). */
  queueSize: number;
  warmupCalls: number;
  onProgress?: (line: string) => void;
}

export interface ShadowBenchRow {
  primary: EngineName;
  provider: ProviderType;
  /** Shadow sample rate; 0 = shadow off. */
  sampleRate: number;
  calls: number;
  errors: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Process CPU (µs) per primary call, shadow runs of the window drained and included. */
  cpuUsPerCall: number;
  /** Shadow counters for the window (0 when off). */
  sampled: number;
  compared: number;
  inParity: number;
  outOfParity: number;
  dropped: number;
  failed: number;
  /** cpuMicros from shadowSummary() / sampled: CPU measured inside shadow work. */
  shadowCpuUsPerSampled: number;
  /** (cpuUsPerCall − the same at rate 0) / (sampled / calls); null at rate 0 or with nothing sampled. */
  addedCpuUsPerSampledCall: number | null;
  /** This row / the rate-0 row of the same primary and provider (1.0 = no change). */
  ratioToOff: { opsPerSec: number; p50: number; p99: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(settings: ShadowBenchSettings, primary: EngineName, provider: ProviderType, rate: number): Promise<Omit<ShadowBenchRow, 'addedCpuUsPerSampledCall' | 'ratioToOff'>> {
  const endpoint = settings.endpoints[provider];
  const registry = createModelRegistry(
    {
      providers: [{ name: provider, endpoint, providerType: provider, apiKey: 'bench-fake-key', ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}) }],
      models: [{ alias: 'bench', model: SHADOW_BENCH_MODELS[provider], provider, inferenceParameters: { maxParallelRequests: settings.concurrency, maxTokens: 16 } }],
    },
    { engine: primary, env: {}, logger: silentLogger, ...(rate > 0 ? { shadow: { sampleRate: rate, queueSize: settings.queueSize } } : {}) },
  );
  try {
    const client = await registry.getClient('bench');
    const call = () => client.chat({ model: SHADOW_BENCH_MODELS[provider], messages: [{ role: 'user', content: 'Hello' }] });
    for (let i = 0; i < settings.warmupCalls; i++) await call();
    await registry.shadowIdle();
    const warm = registry.shadowSummary()[0];
    const latencies: number[] = [];
    let errors = 0;
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const deadline = started + settings.timeMs;
    await Promise.all(
      Array.from({ length: settings.concurrency }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          try {
            await call();
          } catch {
            errors += 1;
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    const wallMs = performance.now() - started;
    await registry.shadowIdle();
    const cpu = process.cpuUsage(cpuStart);
    const after = registry.shadowSummary()[0];
    const delta = (name: 'sampled' | 'compared' | 'inParity' | 'outOfParity' | 'dropped' | 'failed' | 'cpuMicros') => (after?.[name] ?? 0) - (warm?.[name] ?? 0);
    latencies.sort((a, b) => a - b);
    const calls = latencies.length;
    return {
      primary,
      provider,
      sampleRate: rate,
      calls,
      errors,
      opsPerSec: (calls / wallMs) * 1000,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuUsPerCall: (cpu.user + cpu.system) / Math.max(1, calls),
      sampled: delta('sampled'),
      compared: delta('compared'),
      inParity: delta('inParity'),
      outOfParity: delta('outOfParity'),
      dropped: delta('dropped'),
      failed: delta('failed'),
      shadowCpuUsPerSampled: delta('sampled') > 0 ? delta('cpuMicros') / delta('sampled') : 0,
    };
  } finally {
    await registry.close();
  }
}

export async function runShadowBench(settings: ShadowBenchSettings): Promise<ShadowBenchRow[]> {
  const rows: ShadowBenchRow[] = [];
  for (const primary of settings.primaries) {
    for (const provider of settings.providers) {
      const measured = [];
      for (const rate of settings.rates) {
        const row = await measure(settings, primary, provider, rate);
        settings.onProgress?.(`  ${primary} ${provider} rate ${rate}: ${row.calls} calls, ${row.opsPerSec.toFixed(0)} ops/s, p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms`);
        measured.push(row);
      }
      const off = measured.find((r) => r.sampleRate === 0);
      for (const row of measured) {
        const share = row.calls > 0 ? row.sampled / row.calls : 0;
        rows.push({
          ...row,
          addedCpuUsPerSampledCall: off && row.sampleRate > 0 && share > 0 ? (row.cpuUsPerCall - off.cpuUsPerCall) / share : null,
          ratioToOff: off
            ? { opsPerSec: row.opsPerSec / off.opsPerSec, p50: row.p50Ms / off.p50Ms, p99: row.p99Ms / off.p99Ms }
            : { opsPerSec: Number.NaN, p50: Number.NaN, p99: Number.NaN },
        });
      }
    }
  }
  return rows;
}

export function shadowBenchTable(rows: readonly ShadowBenchRow[]): string {
  const header = 'primary  provider   rate  calls  ops/s   p50 ms  p99 ms  ×ops/s  ×p50   ×p99   sampled  compared  parity  dropped  failed  +CPU µs/sampled';
  const lines = [header];
  for (const r of rows) {
    lines.push(
      [
        r.primary.padEnd(8),
        r.provider.padEnd(10),
        String(r.sampleRate).padEnd(5),
        String(r.calls).padEnd(6),
        r.opsPerSec.toFixed(0).padEnd(7),
        r.p50Ms.toFixed(2).padEnd(7),
        r.p99Ms.toFixed(2).padEnd(7),
        r.ratioToOff.opsPerSec.toFixed(2).padEnd(7),
        r.ratioToOff.p50.toFixed(2).padEnd(6),
        r.ratioToOff.p99.toFixed(2).padEnd(6),
        String(r.sampled).padEnd(8),
        String(r.compared).padEnd(9),
        String(r.inParity).padEnd(7),
        String(r.dropped).padEnd(8),
        String(r.failed).padEnd(7),
        r.addedCpuUsPerSampledCall === null ? '-' : r.addedCpuUsPerSampledCall.toFixed(0),
      ].join(' '),
    );
  }
  return lines.join('\n');
}
