// The soak: many chat calls through the registry of one engine against the fake provider in a
// separate process, with injected faults, counting what a long run can lose. Real time, real
// sockets, real retries: only the per-call `random()` is wrapped, to count the retries the
// engine made (both engines draw it exactly once per retry, docs/engine-rules.md).
import { createModelRegistry } from '../../index.ts';
import { DataDesignerError } from '../../core/errors.ts';
import { silentLogger } from '../../core/logger.ts';
import type { EngineName, ModelClient } from '../../core/model-client.ts';
import type { ProviderType } from '../../core/types.ts';
import { startProviderProcess } from './provider-process.ts';
import { SOAK_FAULTS } from './soak-faults.ts';
import type { ClientRunSummary } from '../../observability/client-run-summary.ts';

export interface SoakSettings {
  engine: EngineName;
  calls: number;
  concurrency: number;
  /** Probability that a provider request gets one of SOAK_FAULTS. */
  faultRate: number;
  /** Calls go round-robin over these. */
  providers: readonly ProviderType[];
  seed: number;
  /** A call still unsettled this long after it started is counted as lost. */
  callDeadlineMs: number;
  /** Called after each call settles (or is given up as lost). */
  onProgress?: (done: number, total: number) => void;
  /** Counts the measured calls (not the warm-up) into a run summary (--summary-json). */
  summary?: ClientRunSummary;
}

export interface MemorySample {
  /** Share of calls finished: 0 (after warm-up), 25, 50, 75, 100. */
  percent: number;
  heapUsedMb: number;
  rssMb: number;
}

export interface SoakReport {
  engine: EngineName;
  calls: number;
  ok: number;
  /** Failed calls by error class; a non-DataDesignerError is `unmapped <name>`. */
  failed: Record<string, number>;
  /** Calls whose promise had not settled by the deadline (nor by the end of the run). */
  lost: number;
  /** Attempts the engines made: one per call plus one per retry. */
  clientAttempts: number;
  /** Requests the fake provider received. */
  providerRequests: number;
  /** providerRequests − clientAttempts: requests nobody asked for (negative: attempts that never arrived). */
  duplicated: number;
  providerFaults: number;
  /** Requests still open on the provider after `registry.close()`. */
  providerInFlightAfterClose: number;
  /** TCP sockets this process held just before `registry.close()` (shows the probe sees them). */
  socketsBeforeClose: number;
  /** Most TCP sockets seen at the quarter samples, while calls were in flight (shows the probe sees them). */
  socketsPeakDuringRun: number;
  /** TCP sockets this process still holds after `registry.close()`. */
  socketsAfterClose: number;
  memory: MemorySample[];
  /** True when samples were taken after a forced GC (node --expose-gc). */
  gcBeforeSamples: boolean;
  /** Calls made before measuring (counted in the attempt balance only). */
  warmupCalls: number;
  wallMs: number;
}

const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};
const WARMUP_CALLS_PER_PROVIDER = 20;
const CLOSE_DEADLINE_MS = 30_000;
const SOCKET_SETTLE_MS = 250;
const MB = 2 ** 20;

function sampleMemory(percent: number): MemorySample {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { percent, heapUsedMb: usage.heapUsed / MB, rssMb: usage.rss / MB };
}

function openTcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPWRAP').length;
}

function timeout(ms: number): { promise: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export async function runSoak(settings: SoakSettings): Promise<SoakReport> {
  const provider = await startProviderProcess({ faultRate: settings.faultRate, faultKinds: [...SOAK_FAULTS], seed: settings.seed });
  try {
    const registry = createModelRegistry(
      {
        providers: settings.providers.map((type) => ({
          name: `${type}-fake`,
          endpoint: provider.endpoints[type],
          providerType: type,
          apiKey: 'soak-key-not-a-secret',
          ...(type === 'bedrock' ? { region: 'us-east-1' } : {}),
        })),
        models: settings.providers.map((type) => ({
          alias: type,
          model: MODELS[type],
          provider: `${type}-fake`,
          inferenceParameters: { maxParallelRequests: settings.concurrency },
        })),
      },
      { engine: settings.engine, logger: silentLogger, env: {} },
    );
    const clients = new Map<ProviderType, ModelClient>();
    for (const type of settings.providers) clients.set(type, await registry.getClient(type));

    let clientAttempts = 0;
    const call = (index: number, counted = false): Promise<unknown> => {
      const type = settings.providers[index % settings.providers.length];
      clientAttempts += 1;
      const client = clients.get(type)!;
      const summary = counted ? settings.summary : undefined;
      const chat = summary ? summary.chat.bind(summary, client) : client.chat.bind(client);
      return chat(
        { model: MODELS[type], messages: [{ role: 'user', content: `Row ${index}: name a colour.` }], max_tokens: 16 },
        {
          runtime: {
            random: () => {
              clientAttempts += 1;
              return Math.random();
            },
          },
        },
      );
    };

    // Warm-up: SDK loading, connection pools and JIT before the first memory sample. Counted in
    // the attempt balance (the provider sees them), not in the call figures.
    await Promise.allSettled(Array.from({ length: WARMUP_CALLS_PER_PROVIDER * settings.providers.length }, (_, i) => call(i)));

    const failed: Record<string, number> = {};
    let ok = 0;
    let done = 0;
    let settledCount = 0;
    const memory: MemorySample[] = [sampleMemory(0)];
    const quarters = [0.25, 0.5, 0.75, 1].map((q) => ({ percent: q * 100, at: Math.max(1, Math.round(settings.calls * q)) }));
    let next = 0;
    let socketsPeakDuringRun = 0;
    const started = performance.now();

    const worker = async (): Promise<void> => {
      while (next < settings.calls) {
        const index = next++;
        const promise = call(index, true)
          .then(
            () => {
              ok++;
            },
            (error: unknown) => {
              const name = error instanceof DataDesignerError ? error.name : `unmapped ${(error as Error)?.name ?? typeof error}`;
              failed[name] = (failed[name] ?? 0) + 1;
            },
          )
          .finally(() => {
            settledCount++;
          });
        const deadline = timeout(settings.callDeadlineMs);
        await Promise.race([promise, deadline.promise]);
        deadline.cancel();
        done++;
        while (quarters.length && done >= quarters[0].at) {
          memory.push(sampleMemory(quarters.shift()!.percent));
          socketsPeakDuringRun = Math.max(socketsPeakDuringRun, openTcpSockets());
        }
        settings.onProgress?.(done, settings.calls);
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, settings.calls) }, worker));
    const wallMs = performance.now() - started;
    const lost = settings.calls - settledCount;

    const socketsBeforeClose = openTcpSockets();
    const closing = timeout(CLOSE_DEADLINE_MS);
    await Promise.race([registry.close(), closing.promise]);
    closing.cancel();
    await new Promise((resolve) => setTimeout(resolve, SOCKET_SETTLE_MS));
    const socketsAfterClose = openTcpSockets();
    const stats = await provider.stats();
    return {
      engine: settings.engine,
      calls: settings.calls,
      ok,
      failed,
      lost,
      clientAttempts,
      providerRequests: stats.requests,
      duplicated: stats.requests - clientAttempts,
      providerFaults: stats.faults,
      providerInFlightAfterClose: stats.inFlight,
      socketsBeforeClose,
      socketsPeakDuringRun,
      socketsAfterClose,
      memory,
      gcBeforeSamples: typeof (globalThis as { gc?: unknown }).gc === 'function',
      wallMs,
      warmupCalls: WARMUP_CALLS_PER_PROVIDER * settings.providers.length,
    };
  } finally {
    await provider.stop();
  }
}
