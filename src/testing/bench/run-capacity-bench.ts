// Runs one capacity scenario through one engine/policy against the fake provider in its own
// process, and measures what the issue asks: calls, succeeded, failed, lost, wall seconds,
// goodput (successful calls/s ÷ the limiting resource's rate), the 429 share of attempts after
// the first 5 s, and, where limits change, how long throughput took to settle.
import { createModelRegistry } from '../../index.ts';
import { silentLogger, type Logger } from '../../core/logger.ts';
import type { EngineName, ModelClient } from '../../core/model-client.ts';
import { startProviderProcess } from '../soak/provider-process.ts';
import type { FakeProviderStats } from '../fake-provider/fake-provider-server.ts';
import { type CapacityScenario, SCENARIO_LATENCY_MS } from './capacity-scenarios.ts';

export type CapacityVariant = 'legacy' | 'v2-capacity' | 'v2-aimd';
export const CAPACITY_VARIANTS: readonly CapacityVariant[] = ['v2-capacity', 'v2-aimd', 'legacy'];

export interface CapacityRow {
  scenario: string;
  variant: CapacityVariant;
  calls: number;
  succeeded: number;
  failed: number;
  failedByClass: Record<string, number>;
  /** Calls still unsettled when the run gave up waiting (a promise that never settled). */
  lost: number;
  /** Calls cut off by the time cap (counted in `failed`); 0 unless the variant ran out of time. */
  cutOffByTimeCap: number;
  wallSeconds: number;
  /** Successful calls per second ÷ the limiting resource's rate. */
  goodput: number;
  /**
   * The same up to the moment 90 % of the calls had succeeded: leaves out the tail of calls that
   * sit out a Retry-After the provider asked for near the end (null: fewer than 90 % succeeded).
   */
  goodputTo90: number | null;
  limitingRate: number;
  /** Provider requests (every attempt). */
  attempts: number;
  /** 429 answers ÷ all answers, from the sixth second on (the fake's own timeline). */
  rateLimitedShareAfter5s: number | null;
  /** Scenario e: seconds after each limit change until throughput stayed within 10 % of the new capacity (null: never). */
  settleSeconds?: (number | null)[];
  /**
   * Scenario e, v2: seconds after each limit change until the admission limit stayed within 10 %
   * (at least 1) of the new capacity — the policy's own settling, apart from per-call overhead.
   */
  limitSettleSeconds?: (number | null)[];
  tokensPerCall?: number;
  /** v2: the limit changes admission logged, in order. */
  limitChanges: number;
}

export interface CapacityRunOptions {
  /** A variant still running after this long is cut off (its unfinished calls fail, named as such). */
  maxSeconds: number;
}

const MODEL = { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5' } as const;
const SETTLE_BIN_MS = 250;
const SETTLE_WINDOW_BINS = 4;

export async function runCapacityScenario(
  scenario: CapacityScenario,
  variant: CapacityVariant,
  options: CapacityRunOptions,
): Promise<CapacityRow> {
  const provider = await startProviderProcess(scenario.provider);
  const limitChanges: LimitEvent[] = [];
  const logger: Logger = {
    ...silentLogger,
    info: (line) => {
      const change = / limit (\d+) → (\d+) /.exec(line);
      if (change) limitChanges.push({ atMs: performance.now(), to: Number(change[2]) });
    },
  };
  const registry = createModelRegistry(
    {
      providers: [
        {
          name: 'fake',
          endpoint: provider.endpoints[scenario.protocol],
          providerType: scenario.protocol,
          apiKey: 'bench-key-not-a-secret',
        },
      ],
      models: scenario.aliases.map(({ alias, maxParallelRequests }) => ({
        alias,
        model: MODEL[scenario.protocol],
        provider: 'fake',
        inferenceParameters: { maxParallelRequests, timeoutSeconds: 120 },
      })),
      admission: { policy: variant === 'v2-aimd' ? 'aimd' : 'capacity' },
    },
    { engine: (variant === 'legacy' ? 'legacy' : 'v2') satisfies EngineName, env: {}, logger },
  );
  try {
    const clients = await Promise.all(scenario.aliases.map(({ alias }) => registry.getClient(alias)));
    await resetProvider(provider.endpoints.anthropic);
    const job = await runJob(scenario, clients, options);
    const stats = await provider.stats();
    return summarise(scenario, variant, job, stats, limitChanges);
  } finally {
    await registry.close();
    await provider.stop();
  }
}

async function resetProvider(origin: string): Promise<void> {
  const response = await fetch(`${origin}/_fake/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`fake provider reset answered ${response.status}`);
}

interface LimitEvent {
  /** performance.now() when the change was logged. */
  atMs: number;
  to: number;
}

interface JobResult {
  /** performance.now() at the start. */
  startedAt: number;
  calls: number;
  succeeded: number;
  failedByClass: Record<string, number>;
  lost: number;
  cutOff: number;
  wallMs: number;
  /** Completion time of each success, ms since the start. */
  successTimes: number[];
}

async function runJob(scenario: CapacityScenario, clients: ModelClient[], options: CapacityRunOptions): Promise<JobResult> {
  const cap = new AbortController();
  const capTimer = setTimeout(() => cap.abort(new Error('time cap')), options.maxSeconds * 1000);
  const started = performance.now();
  const result: JobResult = {
    startedAt: started,
    calls: 0,
    succeeded: 0,
    failedByClass: {},
    lost: 0,
    cutOff: 0,
    wallMs: 0,
    successTimes: [],
  };
  let pending = 0;
  const call = async (index: number): Promise<void> => {
    result.calls += 1;
    pending += 1;
    const client = clients[index % clients.length];
    try {
      await client.chat(
        {
          model: '',
          messages: [{ role: 'user', content: `Row ${index}: describe a lighthouse at dusk in one sentence.` }],
          max_tokens: scenario.maxTokens,
        },
        { signal: cap.signal },
      );
      result.succeeded += 1;
      result.successTimes.push(performance.now() - started);
    } catch (error) {
      const name = cap.signal.aborted ? 'cut off by the time cap' : ((error as Error)?.name ?? 'unknown');
      if (cap.signal.aborted) result.cutOff += 1;
      result.failedByClass[name] = (result.failedByClass[name] ?? 0) + 1;
    } finally {
      pending -= 1;
    }
  };
  let all: Promise<unknown>;
  if (scenario.loop) {
    const until = started + scenario.loop.seconds * 1000;
    let next = 0;
    all = Promise.all(
      Array.from({ length: scenario.loop.callers }, async () => {
        while (performance.now() < until && !cap.signal.aborted) await call(next++);
      }),
    );
  } else {
    all = Promise.all(Array.from({ length: scenario.calls ?? 0 }, (_, i) => call(i)));
  }
  // Every call settles on its own (success, typed error, or the cap's abort); one still pending
  // well after the cap is lost.
  const settled = await Promise.race([all.then(() => true), capPlusGrace(cap.signal, 10_000)]);
  clearTimeout(capTimer);
  result.wallMs = performance.now() - started;
  if (!settled) result.lost = pending;
  return result;
}

function capPlusGrace(signal: AbortSignal, graceMs: number): Promise<false> {
  return new Promise((resolve) => {
    const arm = (): void => void setTimeout(() => resolve(false), graceMs).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}

function summarise(
  scenario: CapacityScenario,
  variant: CapacityVariant,
  job: JobResult,
  stats: FakeProviderStats,
  limitChanges: LimitEvent[],
): CapacityRow {
  const okAnswers = Number(stats.byStatus['200'] ?? 0);
  const tokensPerCall = okAnswers > 0 && stats.tokens > 0 ? stats.tokens / okAnswers : 0;
  const limitingRate = scenario.limitingRate({ tokensPerCall });
  const wallSeconds = job.wallMs / 1000;
  const late = stats.timeline.filter((s) => s.second >= 5);
  const lateAnswers = late.reduce((sum, s) => sum + s.ok + s.rateLimited, 0);
  const failed = Object.values(job.failedByClass).reduce((a, b) => a + b, 0);
  return {
    scenario: scenario.id,
    variant,
    calls: job.calls,
    succeeded: job.succeeded,
    failed,
    failedByClass: job.failedByClass,
    lost: job.lost,
    cutOffByTimeCap: job.cutOff,
    wallSeconds,
    goodput: job.succeeded / wallSeconds / limitingRate,
    goodputTo90: goodputTo90(job, limitingRate),
    limitingRate,
    attempts: stats.requests,
    rateLimitedShareAfter5s: lateAnswers > 0 ? late.reduce((sum, s) => sum + s.rateLimited, 0) / lateAnswers : null,
    ...(scenario.capacityPhases ? { settleSeconds: settleTimes(scenario, job) } : {}),
    ...(scenario.capacityPhases && variant !== 'legacy' ? { limitSettleSeconds: limitSettleTimes(scenario, job, limitChanges) } : {}),
    ...(tokensPerCall > 0 ? { tokensPerCall } : {}),
    limitChanges: limitChanges.length,
  };
}

/** When the admission limit came within 10 % (at least 1) of each new capacity and stayed there until the next change. */
function limitSettleTimes(scenario: CapacityScenario, job: JobResult, changes: LimitEvent[]): (number | null)[] {
  const phases = scenario.capacityPhases ?? [];
  const cap = Math.min(...scenario.aliases.map((a) => a.maxParallelRequests));
  const timeline = changes.map((c) => ({ atMs: c.atMs - job.startedAt, to: c.to }));
  const limitAt = (ms: number): number => timeline.filter((c) => c.atMs <= ms).at(-1)?.to ?? cap;
  return phases.slice(1).map((phase, index) => {
    const fromMs = phase.fromSecond * 1000;
    const untilMs = phases[index + 2] ? phases[index + 2].fromSecond * 1000 : job.wallMs;
    const tolerance = Math.max(1, Math.ceil(phase.capacity * 0.1));
    const within = (limit: number): boolean => Math.abs(limit - phase.capacity) <= tolerance;
    const inPhase = timeline.filter((c) => c.atMs > fromMs && c.atMs < untilMs);
    // The last moment the limit left the band in this phase; settled right after it (or at once).
    let settledAt = within(limitAt(fromMs)) ? fromMs : Number.NaN;
    for (const change of inPhase) {
      if (!within(change.to)) settledAt = Number.NaN;
      else if (Number.isNaN(settledAt)) settledAt = change.atMs;
    }
    return Number.isNaN(settledAt) ? null : (settledAt - fromMs) / 1000;
  });
}

function goodputTo90(job: JobResult, limitingRate: number): number | null {
  const needed = Math.ceil(job.calls * 0.9);
  if (job.successTimes.length < needed) return null;
  const sorted = [...job.successTimes].sort((a, b) => a - b);
  return needed / (sorted[needed - 1] / 1000) / limitingRate;
}

/**
 * For each limit change: the first moment after it from which every 1 s window (sliding by
 * 250 ms) until the next change held at least 90 % of the new capacity's rate.
 */
function settleTimes(scenario: CapacityScenario, job: JobResult): (number | null)[] {
  const phases = scenario.capacityPhases ?? [];
  const endMs = Math.min(job.wallMs, (scenario.loop?.seconds ?? Infinity) * 1000);
  const bins = new Array<number>(Math.ceil(endMs / SETTLE_BIN_MS) + 1).fill(0);
  for (const t of job.successTimes) if (t < endMs) bins[Math.floor(t / SETTLE_BIN_MS)] += 1;
  return phases.slice(1).map((phase, index) => {
    const startBin = (phase.fromSecond * 1000) / SETTLE_BIN_MS;
    const next = phases[index + 2];
    const endBin = Math.floor(((next ? next.fromSecond * 1000 : endMs) - 1) / SETTLE_BIN_MS);
    const target = 0.9 * phase.capacity * (1000 / SCENARIO_LATENCY_MS) * ((SETTLE_WINDOW_BINS * SETTLE_BIN_MS) / 1000);
    const windowAt = (bin: number): number => bins.slice(bin, bin + SETTLE_WINDOW_BINS).reduce((a, b) => a + b, 0);
    for (let candidate = startBin; candidate + SETTLE_WINDOW_BINS - 1 <= endBin; candidate += 1) {
      let holds = true;
      for (let bin = candidate; bin + SETTLE_WINDOW_BINS - 1 <= endBin; bin += 1) {
        if (windowAt(bin) < target) {
          holds = false;
          break;
        }
      }
      if (holds) return ((candidate - startBin) * SETTLE_BIN_MS) / 1000;
    }
    return null;
  });
}
