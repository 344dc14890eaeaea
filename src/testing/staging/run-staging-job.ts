// A stand-in for a staging generation job (docs/staging-rehearsal.md): every alias of a config
// called `calls` times through the public registry — `generate` for chat aliases, `embed` for
// embedding aliases — at a fixed concurrency, with prompts that depend only on the call number,
// so a legacy run and a v2 run send the same workload. Failures are counted, not thrown: the run
// summary (registry.runSummary(), dd-run-summary/1) is the job's result. With shadow mode on
// (DATA_DESIGNER_SHADOW_SAMPLE_RATE), the summary is taken once shadow mode is idle
// (registry.shadowIdle()), so its `shadow` counters add up: sampled = compared + dropped + failed + skipped.
import type { DataDesignerConfig } from '../../config/schemas.ts';
import { silentLogger } from '../../core/logger.ts';
import type { EngineName } from '../../core/model-client.ts';
import { createModelRegistry, type EngineOption } from '../../index.ts';
import type { RunSummary } from '../../observability/run-summary.ts';

export interface StagingJobOptions {
  /** Calls per alias. */
  calls: number;
  concurrency: number;
  /**
   * Calls per alias made first through a separate registry that is then closed: they load the
   * engine's modules (v2's SDKs are imported on first use) so the measured run sees a warm
   * worker, as a long staging job does, and not one cold start per process in its p95.
   */
  warmup?: number;
  /** The engine switch (`--engine`: one engine, or a routing per provider type); undefined → DATA_DESIGNER_ASYNC_ENGINE. */
  engine?: EngineOption;
  env?: Record<string, string | undefined>;
}

export interface StagingJobResult {
  summary: RunSummary;
  engines: Record<string, EngineName>;
  /** The config's aliases, each called `calls` times. */
  aliases: string[];
}

/**
 * The job's own arithmetic, checked before its summary is handed to the gate (issue 25): every
 * alias made exactly `calls` facade calls, each a success or a failure by class (a cancel is the
 * class `Cancelled`). One line per alias that breaks it; empty when the summary can be judged.
 */
export function stagingSummaryProblems(summary: RunSummary, aliases: readonly string[], calls: number): string[] {
  const problems: string[] = [];
  for (const alias of aliases) {
    const entries = summary.entries.filter((e) => e.alias === alias);
    const made = entries.reduce((sum, e) => sum + e.calls, 0);
    if (made !== calls) problems.push(`alias '${alias}' made ${made} calls, the job asked for ${calls}`);
    for (const e of entries) {
      const failed = Object.values(e.failures).reduce((sum, n) => sum + n, 0);
      if (e.successes + failed !== e.calls) {
        problems.push(`alias '${alias}' (${e.engine}): successes ${e.successes} + failures ${failed} ≠ calls ${e.calls}`);
      }
    }
  }
  return problems;
}

export function promptFor(alias: string, index: number): string {
  return `Write one short product description, number ${index + 1}, for the ${alias} catalogue.`;
}

async function warmUp(config: DataDesignerConfig, options: StagingJobOptions): Promise<void> {
  // Shadow mode is off for the warm-up: its calls are not the job's, and neither are their shadow runs.
  const env = options.env ?? process.env;
  const registry = createModelRegistry(config, { engine: options.engine, env, logger: silentLogger, shadow: { sampleRate: 0 } });
  try {
    for (const model of registry.config.models) {
      const facade = registry.getModel(model.alias);
      const embedding = model.inferenceParameters.generationType === 'embedding';
      for (let i = 0; i < (options.warmup ?? 0); i++) {
        const text = `Warm-up call ${i + 1}.`;
        await (embedding ? facade.embed([text]) : facade.generate(text)).catch(() => undefined);
      }
    }
  } finally {
    await registry.close();
  }
}

export async function runStagingJob(config: DataDesignerConfig, options: StagingJobOptions): Promise<StagingJobResult> {
  if ((options.warmup ?? 0) > 0) await warmUp(config, options);
  const registry = createModelRegistry(config, { engine: options.engine, env: options.env ?? process.env, logger: silentLogger });
  try {
    const work: (() => Promise<unknown>)[] = [];
    for (const model of registry.config.models) {
      const facade = registry.getModel(model.alias);
      const embedding = model.inferenceParameters.generationType === 'embedding';
      for (let i = 0; i < options.calls; i++) {
        const text = promptFor(model.alias, i);
        work.push(() => (embedding ? facade.embed([text]) : facade.generate(text)));
      }
    }
    // Aliases interleaved, as a generation job fills several columns at once.
    const perAlias = registry.config.models.length;
    const order = work.map((_, i) => (i % perAlias) * options.calls + Math.floor(i / perAlias));
    let next = 0;
    const lane = async () => {
      while (next < order.length) {
        const job = work[order[next++]];
        await job().catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, order.length) }, lane));
    // Every sampled call's shadow run finished (or counted), before the counters are read.
    await registry.shadowIdle();
    return { summary: registry.runSummary(), engines: { ...registry.engines }, aliases: registry.config.models.map((m) => m.alias) };
  } finally {
    await registry.close();
  }
}
