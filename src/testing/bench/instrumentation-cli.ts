// `npm run bench -- --mode instrumentation`: runs the instrumentation bench, prints its table and
// writes the JSON report (keys documented in docs/benchmarks.md). Exit 0 within the 2 % target, 1 over it.
import { cpus } from 'node:os';
import { writeReport } from '../compare/cli-options.ts';
import { runInstrumentationBench, type InstrumentationReport } from './run-instrumentation-bench.ts';

export interface InstrumentationCliSettings {
  endpoint: string;
  timeMs: number;
  rounds: number;
  concurrency: number;
  latencyMs: number;
  json?: string;
}

export function instrumentationTable(report: InstrumentationReport): string {
  const lines = ['', 'variant  calls    CPU µs/call (median of rounds)  rounds'];
  for (const row of report.rows) {
    lines.push(
      `${row.variant.padEnd(8)} ${String(row.calls).padEnd(8)} ${row.cpuUsPerCall.toFixed(1).padEnd(31)} ${row.roundsCpuUsPerCall.map((v) => v.toFixed(0)).join(' ')}`,
    );
  }
  lines.push('');
  lines.push(
    `instrumentation, no SDK registered: ${report.noopOverheadPercent.toFixed(2)} % CPU per v2 call (target ≤ ${report.targetPercent} %: ${report.withinTarget ? 'within' : 'OVER'})`,
  );
  lines.push(
    `instrumentation path alone, no SDK: ${report.pathUsPerCall.toFixed(2)} µs per call = ${report.pathOverheadPercent.toFixed(2)} % of an uninstrumented v2 call`,
  );
  lines.push(`with the OpenTelemetry SDK registered (informational): ${report.sdkOverheadPercent.toFixed(2)} %`);
  return lines.join('\n');
}

export async function runInstrumentationCli(settings: InstrumentationCliSettings): Promise<number> {
  const { timeMs, rounds, concurrency, latencyMs } = settings;
  process.stdout.write(
    `bench instrumentation: v2 completion calls, ${rounds} rounds × 3 variants × ${timeMs} ms, ${concurrency} in flight, fake provider latency ${latencyMs} ms, ${cpus().length} cores, node ${process.version}\n\n`,
  );
  const report = await runInstrumentationBench({
    endpoint: settings.endpoint,
    timeMs,
    rounds,
    concurrency,
    warmupCalls: 200,
    onProgress: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${instrumentationTable(report)}\n`);
  if (settings.json) {
    const environment = { node: process.version, cores: cpus().length, date: new Date().toISOString() };
    await writeReport(
      settings.json,
      '--json',
      `${JSON.stringify({ environment, settings: { timeMs, rounds, concurrency, latencyMs }, ...report }, null, 2)}\n`,
    );
    process.stdout.write(`JSON report written to ${settings.json}\n`);
  }
  return report.withinTarget ? 0 : 1;
}
