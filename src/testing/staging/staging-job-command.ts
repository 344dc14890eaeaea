// npm run staging-job -- --config <file> --summary-json <file> [--engine legacy|v2] [--calls 200] [--concurrency 16] [--warmup 1]
// A stand-in staging job for the phase-2 gate's rehearsal (docs/staging-rehearsal.md): every alias
// of the config called --calls times through the registry, and registry.runSummary() written to
// --summary-json. With shadow mode on (DATA_DESIGNER_SHADOW_SAMPLE_RATE, docs/shadow-mode.md) the
// job waits for shadow mode to be idle and prints its counters. Exit 0 when the summary is written
// (failed calls are in it), 2 for usage, or a run summary or shadow counters that do not add up
// (written, but not to be judged).
import { parseFlags } from '../../config/command-line-flags.ts';
import { loadConfigFile } from '../../config/load-config.ts';
import { writeRunSummary } from '../../observability/write-run-summary.ts';
import { ensureWritable, numberOption, runCli, UsageError } from '../compare/cli-options.ts';
import { formatShadowSummary, shadowCountsProblems } from '../../shadow/shadow-summary-text.ts';
import { refuseUnsetKeyVariables } from '../unset-key-refusal.ts';
import { ENGINE_SWITCH_VALUES, parseEngineSwitch } from '../../engine.ts';
import { runStagingJob, stagingSummaryProblems } from './run-staging-job.ts';

const usage = (program: string): string => `Usage:
  ${program} --config <file> --summary-json <file> [--engine <value>] [--calls <n>] [--concurrency <n>]

  --config <file>         providers and models (YAML or JSON); every model alias is called
  --summary-json <file>   where the run summary goes (dd-run-summary/1), for the gate command
  --engine <value>        the engine switch for this run, as DATA_DESIGNER_ASYNC_ENGINE (its default):
                          ${ENGINE_SWITCH_VALUES}
  --calls <n>             calls per alias (default 200)
  --concurrency <n>       calls in flight at once, all aliases together (default 16)
  --warmup <n>            calls per alias made first, through a registry of their own that is closed
                          before the measured run: not in the summary (default 1; 0 for a cold start)

With shadow mode on (DATA_DESIGNER_SHADOW_SAMPLE_RATE, docs/shadow-mode.md) the job waits until
shadow mode is idle, prints its counters per alias and writes them in the summary's \`shadow\`
section; counters that do not add up (sampled = compared + dropped + failed + skipped) exit 2.
`;

/** `staging-job`, run as `program` (`npm run staging-job --` in a clone, `dd-models staging-job` from the package). */
export async function stagingJobCommand(args: string[], program: string): Promise<void> {
  await runCli('staging-job', async () => {
    const { values } = parseFlags({
      args,
      options: {
        config: { type: 'string' },
        'summary-json': { type: 'string' },
        engine: { type: 'string' },
        calls: { type: 'string' },
        concurrency: { type: 'string' },
        warmup: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(usage(program));
      return 0;
    }
    if (!values.config || !values['summary-json']) throw new UsageError('--config <file> and --summary-json <file> are both required');
    const engine = values.engine === undefined ? undefined : parseEngineSwitch(values.engine, '--engine');
    const calls = numberOption(values.calls, '--calls', { min: 1, integer: true }) ?? 200;
    const concurrency = numberOption(values.concurrency, '--concurrency', { min: 1, max: 1024, integer: true }) ?? 16;
    const warmup = numberOption(values.warmup, '--warmup', { min: 0, integer: true }) ?? 1;
    await ensureWritable(values['summary-json'], '--summary-json');
    const config = await loadConfigFile(values.config);
    // Every alias is called: a provider that serves one must have its key (no 401 run for a missing export).
    refuseUnsetKeyVariables(
      config,
      config.models.map((model) => model.provider),
    );
    const { summary, engines, aliases } = await runStagingJob(config, { calls, concurrency, engine, warmup });
    await writeRunSummary(values['summary-json'], summary);
    const routing = Object.entries(engines)
      .map(([type, name]) => `${type}=${name}`)
      .join(', ');
    process.stdout.write(`staging-job: ${routing}; ${calls} calls per alias, ${concurrency} in flight\n`);
    for (const entry of summary.entries) {
      const failed = Object.values(entry.failures).reduce((a, b) => a + b, 0);
      process.stdout.write(
        `  ${entry.alias} (${entry.engine}): ${entry.calls} calls, ${failed} failed, ${entry.retries} retries, p95 ${entry.latencyMs.p95.toFixed(1)} ms\n`,
      );
    }
    if (summary.shadow) {
      for (const line of formatShadowSummary(summary.shadow)) process.stdout.write(`${line}\n`);
    }
    process.stdout.write(`run summary: ${values['summary-json']}\n`);
    const [miscounted] = stagingSummaryProblems(summary, aliases, calls);
    if (miscounted) throw new UsageError(`the run summary does not add up (${miscounted}): the gate cannot judge it`);
    const [problem] = shadowCountsProblems(summary.shadow ?? []);
    if (problem) throw new UsageError(`${problem}: the shadow summary cannot be judged`);
    return 0;
  });
}
