#!/usr/bin/env node
// npm run soak -- --engine v2|legacy|both --calls N --concurrency C --fault-rate R [--json F]
// The registry of one engine (or each in turn) against the fake provider in a separate process,
// with injected faults: calls, ok/failed by class, lost, duplicated, memory at each quarter and
// sockets left after close(). Exit 0 clean, 1 when a problem was found, 2 for bad input.
import { cpus } from 'node:os';
import { parseFlags } from '../src/config/command-line-flags.ts';
import { PROVIDER_TYPES, type ProviderType } from '../src/core/types.ts';
import type { EngineName } from '../src/core/model-client.ts';
import { ensureWritable, numberOption, runCli, UsageError, writeReport } from '../src/testing/compare/cli-options.ts';
import { createProgress } from '../src/testing/compare/terminal-table.ts';
import { ENGINES } from '../src/testing/engines.ts';
import { runSoak, type SoakReport } from '../src/testing/soak/run-soak.ts';
import { renderSoakReport, soakProblems } from '../src/testing/soak/soak-report.ts';
import { SOAK_FAULTS } from '../src/testing/soak/soak-faults.ts';
import { ClientRunSummary } from '../src/observability/client-run-summary.ts';
import { writeRunSummary } from '../src/observability/write-run-summary.ts';

const USAGE = `Usage: npm run soak -- --engine v2|legacy|both [options]

  --engine <name>        v2, legacy, or both (one after the other, same settings)
  --calls <n>            chat calls per engine (default 1000)
  --concurrency <n>      calls in flight (and maxParallelRequests) (default 32)
  --fault-rate <0..1>    share of provider requests that fail (default 0.2)
  --providers <list>     comma-separated: openai,anthropic,bedrock (default all three, round-robin)
  --seed <n>             fault seed (default 1)
  --call-deadline-s <n>  a call unsettled this long counts as lost (default 120)
  --json <file>          write the reports as JSON
  --summary-json <file>  write the run summary of the measured calls (dd-run-summary/1, one entry per
                         alias and engine; docs/observability.md)
`;

await runCli('soak', async () => {
  const { values } = parseFlags({
    options: {
      engine: { type: 'string' },
      calls: { type: 'string' },
      concurrency: { type: 'string' },
      'fault-rate': { type: 'string' },
      providers: { type: 'string' },
      seed: { type: 'string' },
      'call-deadline-s': { type: 'string' },
      json: { type: 'string' },
      'summary-json': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const engines: EngineName[] =
    values.engine === 'both' ? [...ENGINES] : ENGINES.includes(values.engine as EngineName) ? [values.engine as EngineName] : [];
  if (!engines.length)
    throw new UsageError(
      `--engine must be ${ENGINES.join(', ')} or both (got ${values.engine === undefined ? 'nothing' : `"${values.engine}"`})`,
    );
  const calls = numberOption(values.calls, '--calls', { min: 1, integer: true }) ?? 1000;
  const concurrency = numberOption(values.concurrency, '--concurrency', { min: 1, max: 4096, integer: true }) ?? 32;
  const faultRate = numberOption(values['fault-rate'], '--fault-rate', { min: 0, max: 1 }) ?? 0.2;
  const seed = numberOption(values.seed, '--seed', { integer: true }) ?? 1;
  const callDeadlineMs = (numberOption(values['call-deadline-s'], '--call-deadline-s', { min: 1 }) ?? 120) * 1000;
  const providers = (values.providers ?? PROVIDER_TYPES.join(',')).split(',').map((p) => p.trim().toLowerCase());
  const unknown = providers.filter((p) => !(PROVIDER_TYPES as readonly string[]).includes(p));
  if (unknown.length || !providers.length)
    throw new UsageError(`--providers: unknown provider "${unknown[0] ?? ''}"; use a comma-separated list of ${PROVIDER_TYPES.join(', ')}`);
  if (values.json) await ensureWritable(values.json, '--json');
  const summaryPath = values['summary-json'];
  if (summaryPath) await ensureWritable(summaryPath, '--summary-json');
  const summary = summaryPath ? new ClientRunSummary() : undefined;

  const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  process.stdout.write(
    `soak: ${calls} calls per engine, ${concurrency} in flight, ${(faultRate * 100).toFixed(0)} % faults (${SOAK_FAULTS.map((f) => (f.kind === 'status' ? f.status : f.kind)).join(', ')}), providers ${providers.join(', ')}, ${cpus().length} cores, node ${process.version}${hasGc ? '' : ' (no --expose-gc: memory figures are not judged)'}\n`,
  );
  const reports: SoakReport[] = [];
  for (const engine of engines) {
    // The bar goes to stderr, and only when both stdout and stderr are terminals.
    const progress = process.stdout.isTTY === true && process.stderr.isTTY === true ? createProgress(calls, process.stderr) : undefined;
    const report = await runSoak({
      engine,
      calls,
      concurrency,
      faultRate,
      providers: providers as ProviderType[],
      seed,
      callDeadlineMs,
      summary,
      onProgress: progress ? () => progress.tick(engine) : undefined,
    });
    progress?.done();
    reports.push(report);
    process.stdout.write(`${renderSoakReport(report)}\n`);
  }
  if (values.json) {
    const settings = { calls, concurrency, faultRate, providers, seed, callDeadlineMs, faults: SOAK_FAULTS };
    const environment = { node: process.version, cores: cpus().length, date: new Date().toISOString() };
    await writeReport(
      values.json,
      '--json',
      `${JSON.stringify({ environment, settings, reports: reports.map((r) => ({ ...r, problems: soakProblems(r) })) }, null, 2)}\n`,
    );
    process.stdout.write(`JSON report written to ${values.json}\n`);
  }
  if (summaryPath && summary) {
    await writeRunSummary(summaryPath, summary.summary());
    process.stdout.write(`Run summary written to ${summaryPath}\n`);
  }
  return reports.some((r) => soakProblems(r).length > 0) ? 1 : 0;
});
