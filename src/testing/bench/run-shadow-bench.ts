// Shadow mode's cost on the primary (docs/benchmarks.md, "shadow"): the same chat workload,
// against the fake provider in its own process, with shadow off, at 0.1 and at 1.0, measured in
// rounds (each round every rate once, in a rotating order, so that a noisy neighbour hits all rates
// alike; one registry per setting, kept across rounds, so clients and the shadow worker are warm
// after the first), plus a second shadow-off window per round — the control: its ratio to shadow off is the
// noise floor of the run, what a ratio of a shadowed row has to be read against. Reports per setting the median over rounds of the primary's throughput and p50/p99
// latency, the median of each round's ratio to shadow off in that round, the shadow counters
// summed over rounds, and the CPU the shadow adds: per sampled call and per shadow run (process
// CPU of the window with the queued shadow runs drained, minus shadow off's CPU per call times the
// calls).
import { createModelRegistry, type ModelRegistry } from '../../index.ts';
import { silentLogger } from '../../core/logger.ts';
import type { EngineName } from '../../core/model-client.ts';
import type { ProviderType } from '../../core/types.ts';
import type { ShadowCounterEntry } from '../../shadow/shadow-counters.ts';

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
  /** Measured time per primary × provider × rate, per round. */
  timeMs: number;
  /** Rounds; the figures are medians over them. */
  rounds: number;
  /** shadow.maxCpuShare (default: shadow mode's own). */
  maxCpuShare?: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Shadow queue size (default 64). */
  queueSize: number;
  warmupCalls: number;
  onProgress?: (line: string) => void;
}

/** Shadow mode's own counters, as the bench reports them. */
type ShadowCounts = Pick<ShadowCounterEntry, 'sampled' | 'compared' | 'inParity' | 'outOfParity' | 'dropped' | 'failed'>;

/** One window of one round: a row's figures before the rounds are combined. */
type MeasuredWindow = Pick<
  ShadowBenchRow,
  'primary' | 'provider' | 'sampleRate' | 'calls' | 'errors' | 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'cpuUsPerCall' | keyof ShadowCounts
> & {
  /** cpuMicros of shadowSummary() over the window. */
  shadowCpuMicros: number;
  /** The window's latencies, sorted (pooled over rounds for the row's percentiles). */
  latencies: number[];
};

/** The shadow counters are summed over rounds (0 when off). */
export interface ShadowBenchRow extends ShadowCounts {
  primary: EngineName;
  provider: ProviderType;
  /** Shadow sample rate; 0 = shadow off. */
  sampleRate: number;
  /** The second shadow-off window of each round (the noise floor), not a setting of its own. */
  control: boolean;
  rounds: number;
  /** Summed over rounds (so are errors and the shadow counters). */
  calls: number;
  errors: number;
  /** Median over rounds. */
  opsPerSec: number;
  /** Over every round's calls pooled. */
  p50Ms: number;
  p99Ms: number;
  /** Process CPU (µs) per primary call, shadow runs of the window drained and included (median over rounds). */
  cpuUsPerCall: number;
  /** Share of sampled calls that were shadowed (compared / sampled). */
  shadowedShare: number;
  /** cpuMicros from shadowSummary() / sampled: CPU measured inside shadow work (an upper bound). */
  shadowCpuUsPerSampled: number;
  /** Window CPU above shadow off's per-call CPU × calls, / sampled calls; null at rate 0 or with nothing sampled (median over rounds). */
  addedCpuUsPerSampledCall: number | null;
  /** The same / shadow runs (compared calls): what one shadow run costs; null when none ran. */
  addedCpuUsPerShadowRun: number | null;
  /** This row / shadow off (1.0 = no change): ops/s the median of each round's ratio, p50/p99 of the pooled latencies. */
  ratioToOff: { opsPerSec: number; p50: number; p99: number };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : median(present);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One registry per setting, kept across rounds: its primary client and its shadow worker warm up once. */
interface BenchTarget {
  registry: ModelRegistry;
  call: () => Promise<unknown>;
  warmedUp: boolean;
}

function benchTarget(settings: ShadowBenchSettings, primary: EngineName, provider: ProviderType, rate: number): BenchTarget {
  const endpoint = settings.endpoints[provider];
  const registry = createModelRegistry(
    {
      providers: [
        {
          name: provider,
          endpoint,
          providerType: provider,
          apiKey: 'bench-fake-key',
          ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}),
        },
      ],
      models: [
        {
          alias: 'bench',
          model: SHADOW_BENCH_MODELS[provider],
          provider,
          inferenceParameters: { maxParallelRequests: settings.concurrency, maxTokens: 16 },
        },
      ],
    },
    {
      engine: primary,
      env: {},
      logger: silentLogger,
      ...(rate > 0
        ? {
            shadow: {
              sampleRate: rate,
              queueSize: settings.queueSize,
              ...(settings.maxCpuShare !== undefined ? { maxCpuShare: settings.maxCpuShare } : {}),
            },
          }
        : {}),
    },
  );
  const client = registry.getClient('bench');
  return {
    registry,
    call: async () => (await client).chat({ model: SHADOW_BENCH_MODELS[provider], messages: [{ role: 'user', content: 'Hello' }] }),
    warmedUp: false,
  };
}

async function measure(
  settings: ShadowBenchSettings,
  target: BenchTarget,
  primary: EngineName,
  provider: ProviderType,
  rate: number,
): Promise<MeasuredWindow> {
  const { registry, call } = target;
  if (!target.warmedUp) {
    for (let i = 0; i < settings.warmupCalls; i++) await call();
    target.warmedUp = true;
  }
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
  const delta = (name: 'sampled' | 'compared' | 'inParity' | 'outOfParity' | 'dropped' | 'failed' | 'cpuMicros') =>
    (after?.[name] ?? 0) - (warm?.[name] ?? 0);
  latencies.sort((a, b) => a - b);
  const calls = latencies.length;
  return {
    primary,
    provider,
    sampleRate: rate,
    calls,
    errors,
    latencies,
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
    shadowCpuMicros: delta('cpuMicros'),
  };
}

/** Window slots in the order round `round` measures them (rotated, so none is always first). */
function roundOrder(slots: number, round: number): number[] {
  const order = Array.from({ length: slots }, (_, i) => i);
  const k = round % slots;
  return [...order.slice(k), ...order.slice(0, k)];
}

function summarize(
  windows: readonly MeasuredWindow[],
  offByRound: readonly (MeasuredWindow | undefined)[],
  control: boolean,
): ShadowBenchRow {
  const first = windows[0];
  const sum = (name: 'calls' | 'errors' | 'sampled' | 'compared' | 'inParity' | 'outOfParity' | 'dropped' | 'failed' | 'shadowCpuMicros') =>
    windows.reduce((total, w) => total + w[name], 0);
  const added = windows.map((w, round) => {
    const off = offByRound[round];
    if (!off || w.sampleRate === 0) return { perSampled: null, perRun: null };
    const extra = (w.cpuUsPerCall - off.cpuUsPerCall) * w.calls;
    return { perSampled: w.sampled > 0 ? extra / w.sampled : null, perRun: w.compared > 0 ? extra / w.compared : null };
  });
  // Latency percentiles pool every round's calls (one window's p99 rests on its few dozen slowest
  // calls and swings with the machine; every setting gets the same rounds, in rotated order).
  const pooled = (list: readonly MeasuredWindow[]) => list.flatMap((w) => w.latencies).sort((a, b) => a - b);
  const mine = pooled(windows);
  const offs = offByRound.filter((w): w is MeasuredWindow => w !== undefined);
  const offPooled = pooled(offs);
  const opsRatios = windows.flatMap((w, round) => (offByRound[round] ? [w.opsPerSec / offByRound[round]!.opsPerSec] : []));
  const sampled = sum('sampled');
  return {
    primary: first.primary,
    provider: first.provider,
    sampleRate: first.sampleRate,
    control,
    rounds: windows.length,
    calls: sum('calls'),
    errors: sum('errors'),
    opsPerSec: median(windows.map((w) => w.opsPerSec)),
    p50Ms: percentile(mine, 50),
    p99Ms: percentile(mine, 99),
    cpuUsPerCall: median(windows.map((w) => w.cpuUsPerCall)),
    sampled,
    compared: sum('compared'),
    inParity: sum('inParity'),
    outOfParity: sum('outOfParity'),
    dropped: sum('dropped'),
    failed: sum('failed'),
    shadowedShare: sampled > 0 ? sum('compared') / sampled : 0,
    shadowCpuUsPerSampled: sampled > 0 ? sum('shadowCpuMicros') / sampled : 0,
    addedCpuUsPerSampledCall: medianOrNull(added.map((a) => a.perSampled)),
    addedCpuUsPerShadowRun: medianOrNull(added.map((a) => a.perRun)),
    ratioToOff:
      offs.length > 0
        ? {
            opsPerSec: median(opsRatios),
            p50: percentile(mine, 50) / percentile(offPooled, 50),
            p99: percentile(mine, 99) / percentile(offPooled, 99),
          }
        : { opsPerSec: Number.NaN, p50: Number.NaN, p99: Number.NaN },
  };
}

export async function runShadowBench(settings: ShadowBenchSettings): Promise<ShadowBenchRow[]> {
  const rows: ShadowBenchRow[] = [];
  for (const primary of settings.primaries) {
    for (const provider of settings.providers) {
      // Slots: the rates, then the control (shadow off again). windows[slot][round].
      const offIndex = settings.rates.indexOf(0);
      const slots = [...settings.rates, ...(offIndex >= 0 ? [0] : [])];
      const controlSlot = offIndex >= 0 ? slots.length - 1 : -1;
      const windows: MeasuredWindow[][] = slots.map(() => []);
      const targets = slots.map((rate) => benchTarget(settings, primary, provider, rate));
      try {
        for (let round = 0; round < settings.rounds; round++) {
          for (const slot of roundOrder(slots.length, round)) {
            const rate = slots[slot];
            const window = await measure(settings, targets[slot], primary, provider, rate);
            windows[slot].push(window);
            settings.onProgress?.(
              `  round ${round + 1}/${settings.rounds} ${primary} ${provider} ${slot === controlSlot ? 'off (control)' : `rate ${rate}`}: ${window.calls} calls, ${window.opsPerSec.toFixed(0)} ops/s, p50 ${window.p50Ms.toFixed(2)} ms, p99 ${window.p99Ms.toFixed(2)} ms` +
                (rate > 0 ? `, shadowed ${window.compared}/${window.sampled}` : ''),
            );
          }
        }
      } finally {
        await Promise.all(targets.map((t) => t.registry.close()));
      }
      const offByRound = offIndex >= 0 ? windows[offIndex] : [];
      windows.forEach((perRound, slot) => rows.push(summarize(perRound, offByRound, slot === controlSlot)));
    }
  }
  return rows;
}

export function shadowBenchTable(rows: readonly ShadowBenchRow[]): string {
  const header =
    'primary  provider   rate  calls   ops/s   p50 ms  p99 ms  ×ops/s  ×p50   ×p99   sampled  compared  parity  dropped  failed  +CPU µs/sampled  +CPU µs/shadow run';
  const lines = [header];
  for (const r of rows) {
    lines.push(
      [
        r.primary.padEnd(8),
        r.provider.padEnd(10),
        (r.control ? 'ctl' : String(r.sampleRate)).padEnd(5),
        String(r.calls).padEnd(7),
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
        (r.addedCpuUsPerSampledCall === null ? '-' : r.addedCpuUsPerSampledCall.toFixed(0)).padEnd(16),
        r.addedCpuUsPerShadowRun === null ? '-' : r.addedCpuUsPerShadowRun.toFixed(0),
      ].join(' '),
    );
  }
  return lines.join('\n');
}
