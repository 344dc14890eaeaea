// The fleet benchmark's table: local and Redis stores side by side, per scenario, event, worker count and RTT.
import type { FleetRow } from './run-fleet-bench.ts';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`);
const ms = (x: number): string => x.toFixed(2);

export function fleetTable(rows: FleetRow[]): string {
  const header = [
    'scenario',
    'store',
    'event',
    'workers',
    'rtt ms (measured)',
    'calls',
    'ok',
    'failed',
    'lost',
    'killed-worker calls',
    'wall s',
    'goodput',
    'to 90 %',
    '429 after 5 s',
    'leases back s',
    'store p50/p99 ms (acquire; release)',
    'warnings',
    'limit changes',
    'worker CPU ms/call',
    'load',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.store,
    r.event,
    String(r.workers),
    r.rttMs === 0 ? '0 (loopback)' : `${r.rttMs} (${r.rttMeasuredMs === null ? '—' : r.rttMeasuredMs.toFixed(2)})`,
    String(r.calls),
    String(r.succeeded),
    String(r.failed),
    String(r.lost),
    String(r.killedWorkerCalls),
    r.wallSeconds.toFixed(1),
    pct(r.goodput),
    pct(r.goodputTo90),
    pct(r.rateLimitedShareAfter5s),
    r.leasesBackSeconds === null ? '—' : r.leasesBackSeconds.toFixed(1),
    r.storeOverheadMs
      ? `${ms(r.storeOverheadMs.acquireP50)}/${ms(r.storeOverheadMs.acquireP99)}; ${ms(r.storeOverheadMs.releaseP50)}/${ms(r.storeOverheadMs.releaseP99)}`
      : '—',
    String(r.warnings),
    String(r.limitChanges),
    r.workerCpuMsPerCall.toFixed(2),
    r.loadAverage.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
