// The gate on a terminal: one row per (alias, metric), then the verdict naming every failure.
import type { GateReport } from './evaluate-gate.ts';
import { failureLine, formatDelta, formatValue, METRIC_LABELS } from './gate-format.ts';

const STATUS_TEXT = { pass: 'ok', fail: 'FAIL', info: 'info', 'not-judged': 'not judged' } as const;

export function renderGateTable(report: GateReport): string {
  const headers = ['alias', 'metric', 'baseline', 'candidate', 'change', 'threshold', 'status', 'note'];
  const rows = report.rows.map((row) => [
    row.alias,
    METRIC_LABELS[row.metric],
    formatValue(row.metric, row.baseline),
    formatValue(row.metric, row.candidate),
    formatDelta(row.metric, row.delta),
    row.threshold ?? '–',
    STATUS_TEXT[row.status],
    row.note ?? '',
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

export function verdictText(report: GateReport): string {
  const lines: string[] = [];
  if (report.candidateOnly.length) lines.push(`note: in the candidate only (not compared): ${report.candidateOnly.join(', ')}`);
  if (report.verdict === 'pass') {
    const judged = new Set(report.rows.map((r) => r.alias)).size - report.candidateOnly.length;
    lines.push(`PASS: ${judged} alias${judged === 1 ? '' : 'es'} within the thresholds (error rate +${report.thresholds.maxErrorRateDeltaPp}pp, tokens ±${+(report.thresholds.maxTokenDelta * 100).toFixed(4)}%, p95 ${report.thresholds.maxP95Ratio}x)`);
  } else {
    lines.push(`FAIL: ${report.failures.length} failing (alias, metric):`);
    for (const row of report.failures) lines.push(`  ${failureLine(row)}`);
  }
  return `${lines.join('\n')}\n`;
}
