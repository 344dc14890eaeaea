// The capacity benchmark's table: one row per scenario × engine/policy, the figures the issue's
// targets are stated in.
import type { CapacityRow } from './run-capacity-bench.ts';

const percent = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;

const settle = (times: (number | null)[] | undefined): string =>
  times ? times.map((s) => (s === null ? 'never' : s.toFixed(2))).join(' / ') : '—';

export function capacityTable(rows: readonly CapacityRow[]): string {
  const header = [
    'scenario',
    'variant',
    'calls',
    'ok',
    'failed',
    'lost',
    'wall s',
    'goodput',
    'to 90 %',
    '429s after 5 s',
    'settle s (throughput)',
    'settle s (limit)',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    r.variant,
    String(r.calls),
    String(r.succeeded),
    String(r.failed),
    String(r.lost),
    r.wallSeconds.toFixed(1),
    percent(r.goodput),
    percent(r.goodputTo90),
    percent(r.rateLimitedShareAfter5s),
    settle(r.settleSeconds),
    settle(r.limitSettleSeconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}
