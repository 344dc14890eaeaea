#!/usr/bin/env node
// npm run fake-provider -- [--port N] [--latency-ms N] [--capacity N] [--fault-rate R] [--fault KIND]... [--script file.json]
// Serves the OpenAI, Anthropic and Bedrock wire protocols on 127.0.0.1 until interrupted (SPEC §12).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { numberOption, runCli, UsageError } from '../src/testing/compare/cli-options.ts';
import { startFakeProvider } from '../src/testing/fake-provider/fake-provider-server.ts';
import { faultScriptSchema, parseFaultSpec, type FaultInput, type FaultScriptInput } from '../src/testing/fake-provider/fault-script.ts';

const USAGE = `Usage: npm run fake-provider -- [options]

  --port <n>             port on 127.0.0.1 (default 8787; 0 picks a free one)
  --latency-ms <n>       delay before every answer (default 0)
  --capacity <n>         requests in flight at once; more get 429 + retry-after (default unlimited)
  --retry-after <s>      retry-after seconds on capacity 429s (default 1)
  --fault-rate <0..1>    probability that a request fails with one of --fault (default 0)
  --fault <kind>         status:<code> | delay:<ms> | reset | truncate (repeatable; default status:500)
  --script <file.json>   scripted faults, see docs/harness.md
  --seed <n>             seed for fault rates (default 1)
  --embedding-dims <n>   vector length when a request sets none (default 64)
  --no-auth              accept requests without credentials
`;

async function loadScript(path: string): Promise<FaultScriptInput> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--script ${path}: ${(error as Error).message}`);
  }
  const parsed = faultScriptSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--script ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return raw as FaultScriptInput;
}

await runCli('fake-provider', async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'latency-ms': { type: 'string' },
      capacity: { type: 'string' },
      'retry-after': { type: 'string' },
      'fault-rate': { type: 'string' },
      fault: { type: 'string', multiple: true },
      script: { type: 'string' },
      seed: { type: 'string' },
      'embedding-dims': { type: 'string' },
      'no-auth': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let faultKinds: FaultInput[] | undefined;
  try {
    faultKinds = values.fault?.map(parseFaultSpec);
  } catch (error) {
    throw new UsageError(`--fault: ${(error as Error).message}`);
  }
  const port = numberOption(values.port, '--port', { min: 0, max: 65535, integer: true }) ?? 8787;
  const provider = await startFakeProvider({
    port,
    latencyMs: numberOption(values['latency-ms'], '--latency-ms', { min: 0 }),
    capacity: numberOption(values.capacity, '--capacity', { min: 1, integer: true }),
    retryAfterSeconds: numberOption(values['retry-after'], '--retry-after', { min: 0 }),
    faultRate: numberOption(values['fault-rate'], '--fault-rate', { min: 0, max: 1 }),
    faultKinds,
    script: values.script ? await loadScript(values.script) : undefined,
    seed: numberOption(values.seed, '--seed', { integer: true }),
    embeddingDimensions: numberOption(values['embedding-dims'], '--embedding-dims', { min: 1, integer: true }),
    requireAuth: !values['no-auth'],
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use on 127.0.0.1; pick another with --port (0 = any free port)`);
    throw error;
  });
  // The first line is the URL alone so wrappers can read it.
  process.stdout.write(
    `${provider.url}\n` +
      `fake provider listening: openai endpoint ${provider.endpoints.openai}, anthropic ${provider.endpoints.anthropic}, bedrock ${provider.endpoints.bedrock}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const stats = provider.stats();
  await provider.close();
  process.stderr.write(
    `fake provider stopped: ${stats.requests} requests, peak ${stats.peakInFlight} in flight, ${stats.rejectedByCapacity} over capacity, ${stats.faults} faults\n`,
  );
  return 0;
});
