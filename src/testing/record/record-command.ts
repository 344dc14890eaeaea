// npm run record -- --config <file> --workload <file> --out <dir> [--engine v2|legacy] [--filter <text>]
// Runs a workload against the real endpoints of a config through a loopback recording proxy and
// writes one docs/contract.md "Fixtures" fixture per call, credentials removed. Exit 0: every call recorded;
// 1: some call never reached its provider; 2: usage or config errors.
import { parseFlags } from '../../config/command-line-flags.ts';
import { loadConfigFile } from '../../config/load-config.ts';
import { ensureWritable, runCli, UsageError } from '../compare/cli-options.ts';
import { refuseUnsetKeyVariables } from '../unset-key-refusal.ts';
import { recordWorkload } from './record-workload.ts';
import { loadWorkload } from './workload.ts';
import { checkLiveEndpoints, LiveEndpointUnreachable } from '../compare/live-endpoint-check.ts';
import { redactSecrets } from '../../core/secrets.ts';
import { ENGINE_SWITCH_VALUES, parseEngineSwitch } from '../../engine.ts';
import { folderOutputProblem } from '../output-paths.ts';
import { ClientRunSummary } from '../../observability/client-run-summary.ts';
import { writeRunSummary } from '../../observability/write-run-summary.ts';

const usage = (program: string): string => `Usage: ${program} --config <file> --workload <file> --out <dir> [options]

  --config <file>      data designer config (JSON/YAML) whose provider endpoints are called
  --workload <file>    calls to make (JSON/YAML list of {name?, alias, request?}), see docs/harness.md
  --out <dir>          where fixtures go: <dir>/<provider>/<name>.json
  --engine <value>     engine that makes the calls (default v2), in the vocabulary of DATA_DESIGNER_ASYNC_ENGINE:
                       ${ENGINE_SWITCH_VALUES}
  --filter <text>      only calls whose name contains <text>
  --summary-json <file> write the run summary (dd-run-summary/1, docs/observability.md) of the calls
`;

/** `record`, run as `program` (`npm run record --` in a clone, `dd-models record` from the package). */
export async function recordCommand(args: string[], program: string): Promise<void> {
  await runCli('record', async () => {
    const { values } = parseFlags({
      args,
      options: {
        config: { type: 'string' },
        workload: { type: 'string' },
        out: { type: 'string' },
        engine: { type: 'string' },
        filter: { type: 'string' },
        'summary-json': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(usage(program));
      return 0;
    }
    const missing = (['config', 'workload', 'out'] as const).filter((flag) => !values[flag]);
    if (missing.length > 0) throw new UsageError(`missing ${missing.map((f) => `--${f}`).join(', ')} (see --help)`);
    const engine = parseEngineSwitch(values.engine ?? 'v2', '--engine');

    // Before any request: a run must never send real traffic it then cannot record.
    const outProblem = await folderOutputProblem(values.out as string);
    if (outProblem) throw new UsageError(`--out ${values.out}: cannot write fixtures there (${outProblem})`);

    const summaryPath = values['summary-json'];
    if (summaryPath) await ensureWritable(summaryPath, '--summary-json');
    const summary = summaryPath ? new ClientRunSummary() : undefined;
    const config = await loadConfigFile(values.config as string);
    const calls = (await loadWorkload(values.workload as string, config)).filter(
      (call) => !values.filter || call.name.toLowerCase().includes(values.filter.toLowerCase()),
    );
    if (calls.length === 0) throw new UsageError(`no workload calls match --filter "${values.filter}"`);
    // Before any request: the providers this workload calls must have their keys (no fixtures of 401s for a missing export).
    refuseUnsetKeyVariables(
      config,
      calls.map((call) => call.provider.name),
    );

    // Before any call: a dead endpoint is one line now, not every call's retries (issue 29 item 3).
    try {
      await checkLiveEndpoints(calls, 'nothing was recorded');
    } catch (error) {
      if (!(error instanceof LiveEndpointUnreachable)) throw error;
      process.stderr.write(`record: ${redactSecrets(error.message)}\n`);
      return 1;
    }

    const results = await recordWorkload(config, calls, {
      outDir: values.out as string,
      engine,
      summary,
      onCall: (r) => {
        const what = r.file
          ? `${r.file} (${r.exchanges} exchange${r.exchanges === 1 ? '' : 's'}, ${r.outcome})`
          : `NOT RECORDED: no request reached the provider (${r.outcome})`;
        process.stdout.write(`${r.name}: ${what}\n`);
        // One line per distinct failure: a call's retries of the same refused request are one problem.
        const seen = new Map<string, number>();
        for (const f of r.failures) {
          const line = `${f.method} ${f.path} failed upstream: ${f.message}`;
          seen.set(line, (seen.get(line) ?? 0) + 1);
        }
        for (const [line, times] of seen) process.stdout.write(`  ${line}${times > 1 ? ` (${times} attempts)` : ''}\n`);
      },
    });
    const written = results.filter((r) => r.file).length;
    process.stdout.write(`recorded ${written}/${results.length} calls into ${values.out}\n`);
    if (summaryPath && summary) {
      await writeRunSummary(summaryPath, summary.summary());
      process.stdout.write(`run summary: ${summaryPath}\n`);
    }
    return written === results.length ? 0 : 1;
  });
}
