// What the observability instrumentation costs a v2 call: CPU per facade call (completion on the
// v2 engine against the fake provider in a child process) in three variants measured in one
// process, round-robin over several rounds so each sees the same background load:
//   off   the bench-only switch turns instrumentation off (no spans, metrics, observer, summary)
//   noop  instrumentation compiled in, no OpenTelemetry SDK registered (what every user gets)
//   sdk   the real SDK registered (BasicTracerProvider + a discarding span exporter, MeterProvider
//         with a reader) — informational: the host chose to pay for telemetry
// Reported: the median CPU µs per call of each variant over the rounds, and the overheads
// (noop − off) / off and (sdk − off) / off in percent. Target: noop overhead ≤ 2 %.
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { silentLogger } from '../../core/logger.ts';
import type { ChatRequest } from '../../core/types.ts';
import type { ModelFacade } from '../../facade/model-facade.ts';
import type { ModelRegistry } from '../../facade/model-registry.ts';
import { createModelRegistry } from '../../index.ts';
import { setInstrumentationEnabled } from '../../observability/instrumentation-switch.ts';
import type { ObservabilityOptions } from '../../observability/observability-options.ts';
import { RegistryObservability } from '../../observability/registry-observability.ts';

export const INSTRUMENTATION_VARIANTS = ['off', 'noop', 'sdk'] as const;
export type InstrumentationVariant = (typeof INSTRUMENTATION_VARIANTS)[number];

/** The ≤ 2 % budget of issue 13 for instrumentation with no SDK registered. */
export const NOOP_OVERHEAD_TARGET_PERCENT = 2;

export interface InstrumentationBenchSettings {
  /** The fake provider's OpenAI-compatible endpoint (…/v1). */
  endpoint: string;
  /** Measured time per variant per round. */
  timeMs: number;
  rounds: number;
  /** Calls in flight at once. */
  concurrency: number;
  warmupCalls: number;
  onProgress?: (line: string) => void;
}

export interface InstrumentationRow {
  variant: InstrumentationVariant;
  /** Calls measured over all rounds. */
  calls: number;
  errors: number;
  /** Median over rounds of CPU (user + system) µs per call. */
  cpuUsPerCall: number;
  /** Each round's CPU µs per call, in round order. */
  roundsCpuUsPerCall: number[];
}

export interface InstrumentationReport {
  rows: InstrumentationRow[];
  /** (noop − off) / off × 100. */
  noopOverheadPercent: number;
  /**
   * CPU µs of the instrumentation path alone for one call with one attempt (begin, model call,
   * attempt start/end, success, settle) with no SDK registered, timed over many iterations in
   * isolation: far less noisy than the difference of two end-to-end figures.
   */
  pathUsPerCall: number;
  /** pathUsPerCall / off's cpuUsPerCall × 100. */
  pathOverheadPercent: number;
  /** (sdk − off) / off × 100, informational. */
  sdkOverheadPercent: number;
  targetPercent: number;
  withinTarget: boolean;
}

const REQUEST: Omit<ChatRequest, 'model'> = {
  messages: [{ role: 'user', content: 'Describe a lighthouse at dusk.' }],
  max_tokens: 64,
};

/** Accepts spans and drops them: the SDK does all its work, nothing is kept or sent. */
class DiscardingSpanExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

function openRegistry(endpoint: string, concurrency: number, observability?: ObservabilityOptions): ModelRegistry {
  return createModelRegistry(
    {
      providers: [{ name: 'openai-fake', endpoint, providerType: 'openai', apiKey: 'bench-key-not-a-secret' }],
      models: [
        { alias: 'writer', model: 'gpt-4o-mini', provider: 'openai-fake', inferenceParameters: { maxParallelRequests: concurrency } },
      ],
    },
    { engine: 'v2', logger: silentLogger, env: {}, observability },
  );
}

async function measureRound(
  facade: ModelFacade,
  settings: InstrumentationBenchSettings,
): Promise<{ calls: number; errors: number; cpuUs: number }> {
  let calls = 0;
  let errors = 0;
  const deadline = performance.now() + settings.timeMs;
  const before = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        await facade.completion([...REQUEST.messages], { max_tokens: REQUEST.max_tokens });
      } catch {
        errors += 1;
      }
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const cpu = process.cpuUsage(before);
  return { calls, errors, cpuUs: cpu.user + cpu.system };
}

const PATH_ITERATIONS = 50_000;

/** Times the per-call instrumentation path with the global (no-op) providers. */
function measurePath(): number {
  const observability = new RegistryObservability();
  const telemetry = observability.facadeTelemetry({
    alias: 'writer',
    engine: 'v2',
    providerType: 'openai',
    providerName: 'p',
    model: 'gpt-4o-mini',
  });
  const response = {
    id: 'x',
    model: 'gpt-4o-mini',
    choices: [
      { index: 0, message: { role: 'assistant' as const, content: 'ok', reasoning_content: null }, finish_reason: 'stop' as const },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
  const run = (iterations: number) => {
    for (let i = 0; i < iterations; i++) {
      const call = telemetry.begin('completion', true)!;
      const model = call.modelCall('chat')!;
      model.input(REQUEST.messages);
      model.attemptStarted({ attempt: 1, admissionWaitMs: 0 }).attemptEnded();
      model.chatSucceeded(response);
      call.end();
    }
  };
  run(5_000);
  const before = process.cpuUsage();
  run(PATH_ITERATIONS);
  const cpu = process.cpuUsage(before);
  observability.close();
  return (cpu.user + cpu.system) / PATH_ITERATIONS;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function runInstrumentationBench(settings: InstrumentationBenchSettings): Promise<InstrumentationReport> {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new DiscardingSpanExporter())] });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  const plain = openRegistry(settings.endpoint, settings.concurrency);
  const withSdk = openRegistry(settings.endpoint, settings.concurrency, { tracerProvider, meterProvider });
  const facades: Record<InstrumentationVariant, ModelFacade> = {
    off: plain.getModel('writer'),
    noop: plain.getModel('writer'),
    sdk: withSdk.getModel('writer'),
  };
  const totals = Object.fromEntries(INSTRUMENTATION_VARIANTS.map((v) => [v, { calls: 0, errors: 0, rounds: [] as number[] }])) as Record<
    InstrumentationVariant,
    { calls: number; errors: number; rounds: number[] }
  >;
  try {
    for (const variant of INSTRUMENTATION_VARIANTS) {
      setInstrumentationEnabled(variant !== 'off');
      for (let i = 0; i < settings.warmupCalls; i++) await facades[variant].completion([...REQUEST.messages]);
    }
    for (let round = 0; round < settings.rounds; round++) {
      // Rotated so no variant always runs first (or right after the same neighbour).
      const order = INSTRUMENTATION_VARIANTS.map((_, i) => INSTRUMENTATION_VARIANTS[(i + round) % INSTRUMENTATION_VARIANTS.length]);
      for (const variant of order) {
        setInstrumentationEnabled(variant !== 'off');
        const { calls, errors, cpuUs } = await measureRound(facades[variant], settings);
        const perCall = cpuUs / Math.max(1, calls);
        totals[variant].calls += calls;
        totals[variant].errors += errors;
        totals[variant].rounds.push(perCall);
        settings.onProgress?.(
          `round ${round + 1}/${settings.rounds} ${variant.padEnd(5)} ${calls} calls, ${perCall.toFixed(1)} µs CPU/call${errors ? `, ${errors} errors` : ''}`,
        );
      }
    }
  } finally {
    setInstrumentationEnabled(true);
    await Promise.all([plain.close(), withSdk.close()]);
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  }
  const rows = INSTRUMENTATION_VARIANTS.map((variant) => ({
    variant,
    calls: totals[variant].calls,
    errors: totals[variant].errors,
    cpuUsPerCall: median(totals[variant].rounds),
    roundsCpuUsPerCall: totals[variant].rounds,
  }));
  const cpu = (variant: InstrumentationVariant) => rows.find((r) => r.variant === variant)!.cpuUsPerCall;
  const noopOverheadPercent = ((cpu('noop') - cpu('off')) / cpu('off')) * 100;
  const pathUsPerCall = measurePath();
  return {
    rows,
    noopOverheadPercent,
    pathUsPerCall,
    pathOverheadPercent: (pathUsPerCall / cpu('off')) * 100,
    sdkOverheadPercent: ((cpu('sdk') - cpu('off')) / cpu('off')) * 100,
    targetPercent: NOOP_OVERHEAD_TARGET_PERCENT,
    withinTarget: noopOverheadPercent <= NOOP_OVERHEAD_TARGET_PERCENT,
  };
}
