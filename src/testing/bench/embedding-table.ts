// The embedding fan-out benchmark's table: one row per scenario × engine, wall time against the
// issue 17 target.
import type { EmbeddingRow } from './run-embedding-bench.ts';

export function embeddingTable(rows: readonly EmbeddingRow[]): string {
  const header = [
    'call',
    'engine',
    'texts',
    'provider requests',
    'peak in flight',
    'wall ms (median)',
    'runs ms',
    'target ms',
    'wall / target',
    'within target',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    r.engine,
    String(r.texts),
    String(r.providerRequests),
    String(r.peakInFlight),
    r.medianMs.toFixed(0),
    r.wallMs.map((ms) => ms.toFixed(0)).join(' / '),
    r.targetMs.toFixed(0),
    (r.medianMs / r.targetMs).toFixed(2),
    r.withinTarget ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}
