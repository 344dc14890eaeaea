// Child-process entry of the fleet benchmark: one worker = one registry (v2, capacity policy,
// `maxParallelRequests` as given) with the local or the Redis admission store. argv[2] is the JSON
// of FleetWorkerArgs. IPC: warms up (the bench resets the provider's counts after every worker is
// ready) and, with a Redis store, waits until it has joined the store, then sends {type:'ready',
// warmUp}; runs its share of the job on {type:'go'}, then sends {type:'done', result} and exits.
// With `trace`, its limit changes and warnings go to stderr, stamped with ms since 'go'.
//
// The warm-up: one call on the job's alias (its SDK client, its store connection), then
// `warmUpCalls` on an alias of a model of its own, so a domain of its own in admission and in the
// store, against a provider of its own with no limit (the bench's; through the same delay): the
// code the job runs is compiled, what the job's domain learns it learns in the job, and a
// rate-limited scenario's provider is not drained by it.
// Measured without it (`--warm-up-calls 0`): four processes on two cores spent the first second
// interpreting, at a third of the provider's rate, and the fleet's crowd gathered that slowly.
import { createModelRegistry } from '../../index.ts';
import type { AdmissionStoreConfig } from '../../config/schemas.ts';

export interface FleetWorkerArgs {
  endpoint: string;
  protocol: 'openai' | 'anthropic';
  model: string;
  maxParallelRequests: number;
  calls: number;
  maxTokens: number;
  /** Calls on the warm-up alias before 'ready' (see above), to `warmUpEndpoint`: a provider of its own. */
  warmUpCalls: number;
  warmUpEndpoint?: string;
  store:
    | { type: 'local' }
    | { type: 'redis'; url: string; keyPrefix: string; mode?: 'standalone' | 'cluster'; nodeAddressMap?: Record<string, string> };
  trace?: boolean;
}

/** The model name (and alias) the warm-up calls use: the job's model with a suffix. */
export const WARM_UP_ALIAS = 'warm-up';
/** Warm-up calls in flight per worker (4 workers fill scenario a's cap of 16). */
const WARM_UP_PARALLEL = 4;

export interface FleetWarmUp {
  calls: number;
  succeeded: number;
  ms: number;
}

export interface FleetWorkerResult {
  calls: number;
  succeeded: number;
  failed: number;
  failedByClass: Record<string, number>;
  /** Completion time of each success, ms since 'go' (the parent aligns them). */
  successTimes: number[];
  /** Per-call store overhead: durations of the acquire and release commands, ms. */
  storeCommandMs: { acquire: number[]; release: number[] };
  warnings: string[];
  /** Changes of the admission limit this worker logged during the job (its own and adopted ones). */
  limitChanges: number;
  /** CPU time this process used from 'go' to the end of its job (user + system), ms. */
  cpuMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as FleetWorkerArgs;
const storeCommandMs: FleetWorkerResult['storeCommandMs'] = { acquire: [], release: [] };
if (args.store.type === 'redis') {
  const { timeStoreCommands } = await import('../../models-v2/admission/store/redis-admission-store.ts');
  timeStoreCommands((kind, ms) => {
    if (kind !== 'other') storeCommandMs[kind].push(ms);
  });
}
const warnings: string[] = [];
let goAt: number | undefined;
let limitChanges = 0;
function trace(line: string): void {
  if (args.trace)
    process.stderr.write(
      `[worker ${process.pid} ${goAt === undefined ? 'before go' : `${Math.round(performance.now() - goAt)} ms`}] ${line}\n`,
    );
}
const registry = createModelRegistry(
  {
    providers: [
      { name: 'fake', endpoint: args.endpoint, providerType: args.protocol, apiKey: 'bench-key-not-a-secret' },
      {
        name: WARM_UP_ALIAS,
        endpoint: args.warmUpEndpoint ?? args.endpoint,
        providerType: args.protocol,
        apiKey: 'bench-key-not-a-secret',
      },
    ],
    models: [
      {
        alias: 'chat',
        model: args.model,
        provider: 'fake',
        inferenceParameters: { maxParallelRequests: args.maxParallelRequests, timeoutSeconds: 120 },
      },
      {
        alias: WARM_UP_ALIAS,
        model: `${args.model}-${WARM_UP_ALIAS}`,
        provider: WARM_UP_ALIAS,
        inferenceParameters: { maxParallelRequests: WARM_UP_PARALLEL, timeoutSeconds: 120 },
      },
    ],
    admission: { policy: 'capacity', store: args.store as AdmissionStoreConfig },
  },
  {
    engine: 'v2',
    env: {},
    logger: {
      debug() {},
      info: (line) => {
        if (goAt !== undefined && line.includes(': limit ')) limitChanges += 1;
        trace(line);
      },
      warn: (line) => {
        warnings.push(line);
        trace(line);
      },
    },
  },
);
const client = await registry.getClient('chat');
// Sixteen processes booting at once on two cores can miss the store's 1 s connect bound and start
// on the fallback: the Redis rows measure sharing, so each worker joins before the clock starts.
await client.chat({ model: '', messages: [{ role: 'user', content: 'warm-up' }], max_tokens: args.maxTokens }).catch(() => undefined);
const warmUp = await warmUpCalls(args.warmUpCalls);
if (args.store.type === 'redis') await joined();
warnings.length = 0;
storeCommandMs.acquire.length = 0;
storeCommandMs.release.length = 0;
process.send?.({ type: 'ready', warmUp });

async function warmUpCalls(calls: number): Promise<FleetWarmUp> {
  const started = performance.now();
  let succeeded = 0;
  if (calls > 0) {
    const warm = await registry.getClient(WARM_UP_ALIAS);
    await Promise.all(
      Array.from({ length: calls }, (_, index) =>
        warm
          .chat({
            model: '',
            messages: [{ role: 'user', content: `Warm-up ${index}: describe a lighthouse at dusk in one sentence.` }],
            max_tokens: args.maxTokens,
          })
          .then(
            () => {
              succeeded += 1;
            },
            () => undefined,
          ),
      ),
    );
  }
  return { calls, succeeded, ms: performance.now() - started };
}

/** Resolves once this worker's admission is connected to its Redis store (it rejoins every second). */
async function joined(): Promise<void> {
  for (;;) {
    const snapshot = await registry.admissionSnapshot();
    if (snapshot.some((entry) => entry.store?.type === 'redis' && entry.store.connected)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'go') return;
  goAt = performance.now();
  void run().then(async (result) => {
    process.send?.({ type: 'done', result });
    await registry.close();
    process.disconnect?.();
  });
});

async function run(): Promise<FleetWorkerResult> {
  const started = performance.now();
  const cpuAtGo = process.cpuUsage();
  const result: FleetWorkerResult = {
    calls: args.calls,
    succeeded: 0,
    failed: 0,
    failedByClass: {},
    successTimes: [],
    storeCommandMs,
    warnings,
    limitChanges: 0,
    cpuMs: 0,
  };
  await Promise.all(
    Array.from({ length: args.calls }, async (_, index) => {
      try {
        await client.chat({
          model: '',
          messages: [{ role: 'user', content: `Row ${index}: describe a lighthouse at dusk in one sentence.` }],
          max_tokens: args.maxTokens,
        });
        result.succeeded += 1;
        result.successTimes.push(performance.now() - started);
      } catch (error) {
        result.failed += 1;
        const name = (error as Error)?.name ?? 'unknown';
        result.failedByClass[name] = (result.failedByClass[name] ?? 0) + 1;
      }
    }),
  );
  result.limitChanges = limitChanges;
  const cpu = process.cpuUsage(cpuAtGo);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}
