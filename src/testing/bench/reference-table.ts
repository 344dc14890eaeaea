// Text tables for the compare bench's reference rows and the built-dist cold start.
import type { BenchReport } from './run-engine-bench.ts';
import type { ColdStartDistReport } from './cold-start.ts';

const fixed = (value: number | undefined, digits = 2) => (value === undefined ? '—' : value.toFixed(digits));

export function referenceTable(report: BenchReport): string {
  const lines = [
    '',
    'reference rows: CPU per call over the undici floor (floor = 1), and v2 against the floor and the bare SDK',
    '(v2 / sdk CPU target ≤ 0.75; Bedrock rows use the API key like v2, the -sigv4 rows sign with static credentials)',
    '',
    'provider   operation  legacy  v2      sdk     floor-sigv4  sdk-sigv4  | v2/floor CPU  v2/sdk CPU  v2/sdk ops/s  v2/sdk p99',
  ];
  for (const r of report.referenceRatios) {
    const c = r.cpuVsFloor;
    lines.push(
      `${r.provider.padEnd(10)} ${r.operation.padEnd(10)} ${fixed(c.legacy).padEnd(7)} ${fixed(c.v2).padEnd(7)} ${fixed(c.sdk).padEnd(7)} ${fixed(c['floor-sigv4']).padEnd(12)} ${fixed(c['sdk-sigv4']).padEnd(10)} | ${fixed(r.v2VsFloor.cpuPerRequest).padEnd(13)} ${fixed(r.v2VsSdk.cpuPerRequest).padEnd(11)} ${fixed(r.v2VsSdk.opsPerSec).padEnd(13)} ${fixed(r.v2VsSdk.p99)}`,
    );
  }
  return lines.join('\n');
}

export function coldStartDistTable(report: ColdStartDistReport): string {
  const ms = (value: number) => `${fixed(value, 0)} ms`;
  const lines = [
    '',
    `cold start of the built dist (ms from process start until done, median of ${report.runs}; CPU ms of the process in brackets):`,
    `  node, nothing imported ${ms(report.baselineMs)} [${ms(report.cpu.baselineMs)}];` +
      ` import('dist/index.js') ${ms(report.importMs)} [${ms(report.cpu.importMs)}]`,
    `  = ${ms(report.importOverBaselineMs)} [${ms(report.cpu.importOverBaselineMs)}] over node (target ≤ 60)`,
    '',
    'provider   import + first call: v2          bare SDK          legacy | v2/sdk  v2/legacy  legacy/sdk (targets, all: ≤ 1)',
  ];
  for (const p of report.providers) {
    const cell = (wall: number, cpu: number) => `${ms(wall)} [${ms(cpu)}]`.padStart(17);
    const cells = `${cell(p.v2Ms, p.cpu.v2Ms).padStart(26)} ${cell(p.sdkMs, p.cpu.sdkMs)} ${cell(p.legacyMs, p.cpu.legacyMs)}`;
    lines.push(
      `${p.provider.padEnd(10)} ${cells} | ${fixed(p.v2VsSdk).padEnd(7)} ${fixed(p.v2VsLegacy).padEnd(10)} ${fixed(p.legacyVsSdk)}`,
    );
  }
  return lines.join('\n');
}
