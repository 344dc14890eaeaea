// npm run fake-provider -- [--port N] [--latency-ms N] [--capacity N] [--rpm N] [--tpm N] [--noise-rate R] [--schedule JSON|file] [--fault-rate R] [--fault KIND]... [--script file.json]
// Serves the OpenAI, Anthropic and Bedrock wire protocols on 127.0.0.1 until interrupted (docs/contract.md "Fake provider").
import { parseFlags } from '../../config/command-line-flags.ts';
import { FILE_LIMITS, type FileReadError, readBoundedTextFile } from '../../config/read-bounded-file.ts';
import { numberOption, runCli, UsageError } from '../compare/cli-options.ts';
import { startFakeProvider } from './fake-provider-server.ts';
import { watchParent } from './parent-watch.ts';
import { faultScriptSchema, parseFaultSpec, type FaultInput, type FaultScriptInput } from './fault-script.ts';
import { scheduleSchema, type ScheduleInput } from './limit-settings.ts';

const usage = (program: string): string => `Usage: ${program} [options]

  --port <n>             port on 127.0.0.1 (default 8787; 0 picks a free one)
  --latency-ms <n>       delay before every answer (default 0)
  --capacity <n>         requests in flight at once; more get 429 + retry-after (default unlimited)
  --retry-after <s>      retry-after seconds on capacity 429s (default 1)
  --rpm <n>              request-rate bucket: requests per minute, refilled continuously (default none)
  --request-burst <n>    request-rate bucket size (default = --rpm)
  --tpm <n>              token-rate bucket: tokens per minute, charging prompt tokens + max_tokens (default none)
  --token-burst <n>      token-rate bucket size (default = --tpm)
  --noise-rate <0..1>    probability of a transient 429/529 on an admitted request (default 0)
  --noise-status <code>  429 or 529 (repeatable: picked at random; default 429)
  --noise-retry-after <s|none>  retry-after on noise answers (default 1)
  --schedule <json|file> limit changes over time, e.g. '[{"atSeconds":10,"capacity":8}]'
  --fault-rate <0..1>    probability that a request fails with one of --fault (default 0)
  --fault <kind>         status:<code> | delay:<ms> | reset | truncate (repeatable; default status:500)
  --script <file.json>   scripted faults, see docs/harness.md
  --seed <n>             seed for fault rates (default 1)
  --embedding-dims <n>   vector length when a request sets none (default 64)
  --no-auth              accept requests without credentials
`;

/** A regular file under the cap (a FIFO or a device is refused at once, never read). */
async function readInput(path: string): Promise<string> {
  try {
    return await readBoundedTextFile(path, FILE_LIMITS.fakeProviderInput);
  } catch (error) {
    const refusal = error as FileReadError;
    throw new Error(refusal.refused ? refusal.problem : `cannot read it (${refusal.code})`);
  }
}

async function loadSchedule(value: string): Promise<ScheduleInput> {
  const inline = /^\s*[[{]/.test(value);
  let raw: unknown;
  try {
    raw = JSON.parse(inline ? value : await readInput(value));
  } catch (error) {
    throw new UsageError(`--schedule ${inline ? '(inline JSON)' : value}: ${(error as Error).message}`);
  }
  const parsed = scheduleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') || '(root)';
    throw new UsageError(
      `--schedule: ${where}: ${issue.message} (keys: atSeconds, capacity, requestsPerMinute, requestBurst, tokensPerMinute, tokenBurst, noiseRate)`,
    );
  }
  return raw as ScheduleInput;
}

function noiseStatus(value: string): 429 | 529 {
  if (value === '429' || value === '529') return Number(value) as 429 | 529;
  throw new UsageError(`--noise-status must be 429 or 529, got "${value}"`);
}

async function loadScript(path: string): Promise<FaultScriptInput> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readInput(path));
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

/** `fake-provider`, run as `program` (`npm run fake-provider --` in a clone, `dd-models fake-provider` from the package). */
export async function fakeProviderCommand(args: string[], program: string): Promise<void> {
  await runCli('fake-provider', async () => {
    const { values } = parseFlags({
      args,
      options: {
        port: { type: 'string' },
        'latency-ms': { type: 'string' },
        capacity: { type: 'string' },
        'retry-after': { type: 'string' },
        rpm: { type: 'string' },
        'request-burst': { type: 'string' },
        tpm: { type: 'string' },
        'token-burst': { type: 'string' },
        'noise-rate': { type: 'string' },
        'noise-status': { type: 'string', multiple: true },
        'noise-retry-after': { type: 'string' },
        schedule: { type: 'string' },
        'fault-rate': { type: 'string' },
        fault: { type: 'string', multiple: true },
        script: { type: 'string' },
        seed: { type: 'string' },
        'embedding-dims': { type: 'string' },
        'no-auth': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(usage(program));
      return 0;
    }
    let faultKinds: FaultInput[] | undefined;
    try {
      faultKinds = values.fault?.map(parseFaultSpec);
    } catch (error) {
      throw new UsageError(`--fault: ${(error as Error).message}`);
    }
    const noiseRetryAfter = values['noise-retry-after'];
    const port = numberOption(values.port, '--port', { min: 0, max: 65535, integer: true }) ?? 8787;
    const provider = await startFakeProvider({
      port,
      latencyMs: numberOption(values['latency-ms'], '--latency-ms', { min: 0 }),
      capacity: numberOption(values.capacity, '--capacity', { min: 1, integer: true }),
      retryAfterSeconds: numberOption(values['retry-after'], '--retry-after', { min: 0 }),
      requestsPerMinute: numberOption(values.rpm, '--rpm', { min: Number.MIN_VALUE }),
      requestBurst: numberOption(values['request-burst'], '--request-burst', { min: 1, integer: true }),
      tokensPerMinute: numberOption(values.tpm, '--tpm', { min: Number.MIN_VALUE }),
      tokenBurst: numberOption(values['token-burst'], '--token-burst', { min: 1, integer: true }),
      noiseRate: numberOption(values['noise-rate'], '--noise-rate', { min: 0, max: 1 }),
      noiseStatuses: values['noise-status']?.map(noiseStatus),
      noiseRetryAfterSeconds: noiseRetryAfter === 'none' ? null : numberOption(noiseRetryAfter, '--noise-retry-after', { min: 0 }),
      schedule: values.schedule ? await loadSchedule(values.schedule) : undefined,
      faultRate: numberOption(values['fault-rate'], '--fault-rate', { min: 0, max: 1 }),
      faultKinds,
      script: values.script ? await loadScript(values.script) : undefined,
      seed: numberOption(values.seed, '--seed', { integer: true }),
      embeddingDimensions: numberOption(values['embedding-dims'], '--embedding-dims', { min: 1, integer: true }),
      requireAuth: !values['no-auth'],
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        throw new UsageError(`port ${port} is in use on 127.0.0.1; pick another with --port (0 = any free port)`);
      throw error;
    });
    // The first line is the URL alone so wrappers can read it.
    process.stdout.write(
      `${provider.url}\n` +
        `fake provider listening: openai endpoint ${provider.endpoints.openai}, anthropic ${provider.endpoints.anthropic}, bedrock ${provider.endpoints.bedrock}\n` +
        `control: GET ${provider.url}/_fake/stats, POST ${provider.url}/_fake/reset\n`,
    );
    // Until interrupted, or until whoever started it is gone (npm stopped by its PID: parent-watch.ts).
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        unwatch();
        resolve();
      };
      const unwatch = watchParent(() => {
        process.stderr.write('fake provider: the process that started it is gone (npm stopped?); stopping\n');
        stop();
      });
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const stats = provider.stats();
    await provider.close();
    process.stderr.write(
      `fake provider stopped: ${stats.requests} requests, peak ${stats.peakInFlight} in flight, ${stats.rejected.capacity} over capacity, ` +
        `${stats.rejected.requestRate} over the request rate, ${stats.rejected.tokenRate} over the token rate, ${stats.rejected.noise} noise, ${stats.faults} faults\n`,
    );
    return 0;
  });
}
