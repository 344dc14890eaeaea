// The soak's verdict and its terminal rendering. A problem is anything a long run must never
// show: a lost call, a request nobody asked for, an unmapped error, sockets or provider requests
// left open after close(), heap growing after warm-up.
import type { SoakReport } from './run-soak.ts';

/** Heap may grow this much from the 25 % sample to the end before it counts as a leak. */
export const HEAP_GROWTH_ALLOWANCE = { ratio: 1.5, mb: 32 };

export function soakProblems(report: SoakReport): string[] {
  const problems: string[] = [];
  if (report.lost > 0) problems.push(`${report.lost} calls never settled`);
  if (report.duplicated > 0) problems.push(`${report.duplicated} provider requests more than the engine's attempts (duplicated)`);
  if (report.duplicated < 0) problems.push(`${-report.duplicated} attempts never reached the provider`);
  const unmapped = Object.entries(report.failed).filter(([name]) => name.startsWith('unmapped'));
  for (const [name, count] of unmapped) problems.push(`${count} calls failed with ${name} (not a DataDesignerError)`);
  if (report.socketsAfterClose > 0) problems.push(`${report.socketsAfterClose} TCP sockets still open after registry.close()`);
  if (report.providerInFlightAfterClose > 0)
    problems.push(`${report.providerInFlightAfterClose} provider requests still open after registry.close()`);
  const quarter = report.memory.find((m) => m.percent === 25);
  const end = report.memory.find((m) => m.percent === 100);
  if (report.gcBeforeSamples && quarter && end) {
    const limit = Math.max(quarter.heapUsedMb * HEAP_GROWTH_ALLOWANCE.ratio, quarter.heapUsedMb + HEAP_GROWTH_ALLOWANCE.mb);
    if (end.heapUsedMb > limit)
      problems.push(`heap grew from ${quarter.heapUsedMb.toFixed(1)} MB at 25 % to ${end.heapUsedMb.toFixed(1)} MB at the end`);
  }
  return problems;
}

export function renderSoakReport(report: SoakReport): string {
  const failedTotal = Object.values(report.failed).reduce((a, b) => a + b, 0);
  const failedList = Object.entries(report.failed)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  const lines = [
    `engine ${report.engine}: ${report.calls} calls in ${(report.wallMs / 1000).toFixed(1)} s`,
    `  ok ${report.ok}, failed ${failedTotal}${failedList ? ` (${failedList})` : ''}, lost ${report.lost}`,
    `  attempts: client ${report.clientAttempts}, provider ${report.providerRequests} (${report.providerFaults} faulted), duplicated ${report.duplicated}`,
    `  TCP sockets: ${report.socketsBeforeClose} before close(), ${report.socketsAfterClose} after; provider requests open after close(): ${report.providerInFlightAfterClose}`,
    `  memory${report.gcBeforeSamples ? ' (after GC)' : ''}: ${report.memory.map((m) => `${m.percent}% heap ${m.heapUsedMb.toFixed(1)} MB rss ${m.rssMb.toFixed(0)} MB`).join('; ')}`,
  ];
  const problems = soakProblems(report);
  lines.push(problems.length ? `  PROBLEMS: ${problems.join('; ')}` : '  no problems found');
  return lines.join('\n');
}
