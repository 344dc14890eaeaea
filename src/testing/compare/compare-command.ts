// npm run compare -- [--fixtures <dir|file>]... [--filter <text>] [--json <file>] [--html <file>]
// npm run compare -- --live --config <file> --workload <file> [--filter <text>] [--json <file>] [--html <file>]
// Runs every case through both engines and reports parity (docs/contract.md "Compare report"). Exit 0: every case in
// parity and matching; 1: any mismatch, or (--live) an endpoint that cannot be reached; 2: usage,
// config or fixture errors.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../../config/command-line-flags.ts';
import { loadConfigFile } from '../../config/load-config.ts';
import { redactSecrets } from '../../core/secrets.ts';
import { ensureWritable, runCli, UsageError, writeReport } from './cli-options.ts';
import { compareFixtures, filterFixtures } from './compare-fixtures.ts';
import { loadCompareHooks } from './compare-hooks.ts';
import { buildReport, type CompareCase, type CompareReport } from './compare-report.ts';
import { renderHtml } from './html-report.ts';
import { compareLive } from './live-compare.ts';
import { checkLiveEndpoints, LiveEndpointUnreachable } from './live-endpoint-check.ts';
import { collectMeta, type MetaSource } from './report-meta.ts';
import { createProgress, mismatchList, renderTable, summaryLine } from './terminal-table.ts';
import { loadFixtures } from '../fixture.ts';
import { loadWorkload } from '../record/workload.ts';
import { refuseUnsetKeyVariables } from '../unset-key-refusal.ts';
import { ClientRunSummary } from '../../observability/client-run-summary.ts';
import { writeRunSummary } from '../../observability/write-run-summary.ts';

/** test/fixtures of the clone, or of the installed package (it ships them): relative to the working directory when below it. */
function bundledFixtures(): string {
  const dir = fileURLToPath(new URL('../../../test/fixtures', import.meta.url));
  const shown = relative(process.cwd(), dir);
  return shown.startsWith('..') || isAbsolute(shown) ? dir : shown;
}

const usage = (program: string): string => `Usage:
  ${program} [--fixtures <dir|file>]... [--filter <text>] [--json <file>] [--html <file>]
  ${program} --live --config <file> --workload <file> [--filter <text>] [--json <file>] [--html <file>]
                     [--summary-json <file>]

  --fixtures <path>   fixture file or directory (recursive; repeatable; default: the bundled
                      fixtures, test/fixtures of the clone or of the installed package)
  --filter <text>     only cases whose name or file contains <text> (case-insensitive)
  --json <file>       write the machine-readable report (docs/contract.md "Compare report" shape)
  --html <file>       write a self-contained HTML report
  --live              call the real endpoints of --config with the calls of --workload through both
                      engines and compare structure (success, tool names, JSON validity, usage)
  --summary-json <file>  (--live) write the run summary of both engines' calls (dd-run-summary/1,
                      one entry per alias and engine; docs/observability.md)

Exit codes: 0 every case in parity and matching, 1 any mismatch or (--live) an endpoint that
cannot be reached (one line naming the alias, endpoint and cause), 2 usage/config/fixture error.
`;

/** `compare`, run as `program` (`npm run compare --` in a clone, `dd-models compare` from the package). */
export async function compareCommand(args: string[], program: string): Promise<void> {
  await runCli('compare', async () => {
    const { values } = parseFlags({
      args,
      options: {
        fixtures: { type: 'string', multiple: true },
        filter: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        live: { type: 'boolean' },
        config: { type: 'string' },
        workload: { type: 'string' },
        'summary-json': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(usage(program));
      return 0;
    }
    if (values.json) await ensureWritable(values.json, '--json');
    if (values.html) await ensureWritable(values.html, '--html');
    const summaryPath = values['summary-json'];
    if (summaryPath && !values.live) throw new UsageError('--summary-json is only used with --live (fixture replays make no real calls)');
    if (summaryPath) await ensureWritable(summaryPath, '--summary-json');
    const summary = summaryPath ? new ClientRunSummary() : undefined;
    const hooks = await loadCompareHooks();
    // Only a person at a terminal wants a progress bar; piped output stays clean for logs. The bar
    // is drawn on stderr, and createProgress draws nothing unless stderr is a terminal too.
    const interactive = process.stdout.isTTY === true;

    let cases: CompareCase[];
    let title: string;
    let source: MetaSource;
    if (values.live) {
      if (!values.config || !values.workload) throw new UsageError('--live needs --config <file> and --workload <file>');
      if (values.fixtures) throw new UsageError('--fixtures cannot be combined with --live (the workload defines the cases)');
      const config = await loadConfigFile(values.config);
      const workload = (await loadWorkload(values.workload, config)).filter(
        (call) => !values.filter || call.name.toLowerCase().includes(values.filter.toLowerCase()),
      );
      if (workload.length === 0) throw new UsageError(`no workload calls match --filter "${values.filter}"`);
      refuseUnsetKeyVariables(
        config,
        workload.map((call) => call.provider.name),
      );
      try {
        await checkLiveEndpoints(workload);
        const progress = interactive ? createProgress(workload.length, process.stderr) : undefined;
        try {
          cases = await compareLive(config, workload, { hooks, file: values.workload, summary, onCase: (c) => progress?.tick(c.name) });
        } finally {
          progress?.done();
        }
      } catch (error) {
        if (!(error instanceof LiveEndpointUnreachable)) throw error;
        process.stderr.write(`compare: ${redactSecrets(error.message)}\n`);
        return 1;
      }
      title = `Live engine compare: ${values.workload}`;
      source = { mode: 'live', config: values.config, workload: values.workload, providers: config.providers };
    } else {
      if (values.config || values.workload) throw new UsageError('--config and --workload are only used with --live');
      const sources = values.fixtures ?? [bundledFixtures()];
      const fixtures = filterFixtures(await loadFixtures(sources), values.filter);
      if (fixtures.length === 0) {
        throw new UsageError(
          values.filter
            ? `no fixtures in ${sources.join(', ')} match --filter "${values.filter}"`
            : `no fixtures (*.json) found in ${sources.join(', ')}`,
        );
      }
      const progress = interactive ? createProgress(fixtures.length, process.stderr) : undefined;
      cases = await compareFixtures(fixtures, { hooks, onCase: (c) => progress?.tick(c.name) });
      progress?.done();
      title = `Engine compare: ${sources.join(', ')}`;
      source = { mode: 'fixtures', fixtures: sources };
    }

    const report: CompareReport = buildReport(cases, collectMeta(source, { filter: values.filter }));
    const color = interactive && !process.env.NO_COLOR;
    process.stdout.write(renderTable(report, { color, width: process.stdout.columns ?? 160 }));
    process.stdout.write(`\n${mismatchList(report)}${summaryLine(report)}\n`);
    if (values.json) {
      await writeReport(values.json, '--json', `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`JSON report: ${values.json}\n`);
    }
    if (values.html) {
      await writeReport(values.html, '--html', renderHtml(report, { title }));
      process.stdout.write(`HTML report: ${values.html}\n`);
    }
    if (summaryPath && summary) {
      await writeRunSummary(summaryPath, summary.summary());
      process.stdout.write(`Run summary: ${summaryPath}\n`);
    }
    return report.summary.mismatched === 0 ? 0 : 1;
  });
}
