// The gate on a terminal: one row per (alias, metric) with the engine each side ran the alias on,
// then the verdict naming every failure. Names from the summaries are shown with their control
// characters escaped (escapeTerminalText), and column widths are found without spreading the rows
// into Math.max (20,000 aliases are 140,000 rows: more arguments than a call may take).
import type { GateReport } from './evaluate-gate.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { failureLine, formatDelta, formatValue, METRIC_LABELS } from './gate-format.ts';

const STATUS_TEXT = { pass: 'ok', fail: 'FAIL', info: 'info', 'not-judged': 'not judged' } as const;

/** `legacy → v2`; a side without the alias is `–`. */
export function enginePair(engines: { baseline: string | null; candidate: string | null }): string {
  return `${escapeTerminalText(engines.baseline ?? '–')} → ${escapeTerminalText(engines.candidate ?? '–')}`;
}

export function renderGateTable(report: GateReport): string {
  const headers = ['alias', 'engines', 'metric', 'baseline', 'candidate', 'change', 'threshold', 'status', 'note'];
  const rows = report.rows.map((row) => [
    escapeTerminalText(row.alias),
    enginePair(row.engines),
    METRIC_LABELS[row.metric],
    formatValue(row.metric, row.baseline),
    formatValue(row.metric, row.candidate),
    formatDelta(row.metric, row.delta),
    row.threshold ?? '–',
    STATUS_TEXT[row.status],
    escapeTerminalText(row.note ?? ''),
  ]);
  const widths = headers.map((h) => h.length);
  for (const cells of rows) for (let i = 0; i < cells.length; i++) if (cells[i].length > widths[i]) widths[i] = cells[i].length;
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

const listed = (names: string[]) => names.map(escapeTerminalText).join(', ');

export function verdictText(report: GateReport): string {
  const lines: string[] = [];
  if (report.candidateOnly.length) lines.push(`note: in the candidate only (not compared): ${listed(report.candidateOnly)}`);
  const same = report.aliases.filter((a) => !a.judged && a.baselineEngine !== null && a.candidateEngine !== null);
  if (same.length) {
    lines.push(`note: same engine on both sides, not judged (the switch did not reach them): ${listed(same.map((a) => a.alias))}`);
  }
  if (report.verdict === 'pass') {
    const t = report.thresholds;
    const judged = report.aliases.filter((a) => a.judged).length;
    const limits = `error rate +${t.maxErrorRateDeltaPp}pp, tokens ±${+(t.maxTokenDelta * 100).toFixed(4)}%, p95 ${t.maxP95Ratio}x`;
    const notJudged = same.length ? `; ${same.length} not judged (same engine)` : '';
    lines.push(`PASS: ${judged} alias${judged === 1 ? '' : 'es'} within the thresholds (${limits})${notJudged}`);
  } else {
    lines.push(`FAIL: ${report.failures.length} failing (alias, metric):`);
    for (const row of report.failures) lines.push(`  ${escapeTerminalText(failureLine(row))}`);
  }
  return `${lines.join('\n')}\n`;
}
