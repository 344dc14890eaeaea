// npm run gate -- --baseline legacy-run.json --candidate v2-run.json [--max-error-rate-delta 0.5pp]
//   [--max-token-delta 5%] [--max-p95-ratio 1.2] [--min-calls 30] [--json F] [--html F]
// MIGRATION.md's phase-2 gate: two run summaries (dd-models … --summary-json) compared per alias.
// Exit 0 pass, 1 any alias fails a threshold (or is missing from the candidate), 2 usage, an
// unreadable summary, one whose counts do not add up, or nothing to judge (every shared alias ran
// the same engine on both sides).
import { parseFlags } from '../../config/command-line-flags.ts';
import { ensureWritable, runCli, UsageError, writeReport } from '../compare/cli-options.ts';
import { evaluateGate } from './evaluate-gate.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { renderGateHtml } from './gate-html.ts';
import { renderGateTable, verdictText } from './gate-table.ts';
import { DEFAULT_THRESHOLDS, parseMinCalls, parsePercent, parsePercentagePoints, parseRatio } from './gate-thresholds.ts';
import { readSummary } from './read-summary.ts';

const D = DEFAULT_THRESHOLDS;
const usage = (program: string): string => `Usage:
  ${program} --baseline <summary.json> --candidate <summary.json> [options]

  --baseline <file>               run summary of the engine in production (dd-models … --summary-json)
  --candidate <file>              run summary of the same workload on the engine to roll out
  --max-error-rate-delta <pp>     fail an alias whose error rate rises more than this, in percentage
                                  points, and significantly (one-sided 95 %) (default ${D.maxErrorRateDeltaPp}pp)
  --max-token-delta <percent>     fail an alias whose input or output tokens per successful call
                                  change by more than this either way (default ${D.maxTokenDelta * 100}%)
  --max-p95-ratio <ratio>         fail an alias whose p95 latency is more than this × the baseline's (default ${D.maxP95Ratio})
  --min-calls <n>                 below n calls on either side, tokens and p95 are shown, not judged; a candidate
                                  below n calls fails as inconclusive (default ${D.minCalls})
  --allow-same-engine             compare two runs of one engine (otherwise refused: the switch did not take effect)
  --json <file>                   write the machine-readable report (schema dd-gate-report/1)
  --html <file>                   write a self-contained HTML report

Retries and 429s per call are shown, never judged. An alias only in the baseline fails (the
candidate did not run it); one only in the candidate is noted; one that ran the same engine on
both sides is "same engine: not judged" (unless --allow-same-engine). Rules: docs/rollout-gates.md.
Exit codes: 0 pass, 1 fail (every failing alias and metric is named), 2 usage, an unreadable
summary, one whose calls do not add up (successes + failures ≠ calls), or nothing to judge.
`;

/** `gate`, run as `program` (`npm run gate --` in a clone, `dd-models gate` from the package). */
export async function gateCommand(args: string[], program: string): Promise<void> {
  await runCli('gate', async () => {
    const { values } = parseFlags({
      args,
      options: {
        baseline: { type: 'string' },
        candidate: { type: 'string' },
        'max-error-rate-delta': { type: 'string' },
        'max-token-delta': { type: 'string' },
        'max-p95-ratio': { type: 'string' },
        'min-calls': { type: 'string' },
        'allow-same-engine': { type: 'boolean' },
        json: { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(usage(program));
      return 0;
    }
    if (!values.baseline || !values.candidate) throw new UsageError('--baseline <file> and --candidate <file> are both required');
    const thresholds = {
      ...DEFAULT_THRESHOLDS,
      ...(values['max-error-rate-delta'] !== undefined
        ? { maxErrorRateDeltaPp: parsePercentagePoints(values['max-error-rate-delta'], '--max-error-rate-delta') }
        : {}),
      ...(values['max-token-delta'] !== undefined ? { maxTokenDelta: parsePercent(values['max-token-delta'], '--max-token-delta') } : {}),
      ...(values['max-p95-ratio'] !== undefined ? { maxP95Ratio: parseRatio(values['max-p95-ratio'], '--max-p95-ratio') } : {}),
      ...(values['min-calls'] !== undefined ? { minCalls: parseMinCalls(values['min-calls'], '--min-calls') } : {}),
    };
    if (values.json) await ensureWritable(values.json, '--json');
    if (values.html) await ensureWritable(values.html, '--html');
    const baseline = await readSummary(values.baseline, '--baseline');
    const candidate = await readSummary(values.candidate, '--candidate');
    const enginesOf = (entries: { engine: string }[]) => [...new Set(entries.map((e) => e.engine))].sort().join(', ');
    if (!values['allow-same-engine'] && baseline.entries.length > 0 && enginesOf(baseline.entries) === enginesOf(candidate.entries)) {
      throw new UsageError(
        `--baseline and --candidate both ran on ${escapeTerminalText(enginesOf(baseline.entries))}: the engine switch did not take effect ` +
          `for the candidate (check ${'DATA_DESIGNER_ASYNC_ENGINE'}), or pass --allow-same-engine to compare two runs of one engine`,
      );
    }
    const report = evaluateGate(baseline, candidate, thresholds, new Date(), { allowSameEngine: values['allow-same-engine'] === true });
    const sideText = (file: string, engines: string[]) =>
      `${escapeTerminalText(file)} (${escapeTerminalText(engines.join(', ')) || 'no entries'})`;
    const base = sideText(values.baseline, report.baseline.engines);
    process.stdout.write(`gate: baseline ${base} vs candidate ${sideText(values.candidate, report.candidate.engines)}\n\n`);
    process.stdout.write(renderGateTable(report));
    process.stdout.write(`\n${verdictText(report)}`);
    if (values.json) {
      await writeReport(values.json, '--json', `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`JSON report: ${values.json}\n`);
    }
    if (values.html) {
      await writeReport(values.html, '--html', renderGateHtml(report));
      process.stdout.write(`HTML report: ${values.html}\n`);
    }
    return report.verdict === 'pass' ? 0 : 1;
  });
}
