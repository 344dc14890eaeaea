// Child-process entry of the fleet benchmark: one worker = one registry (v2, capacity policy,
// `maxParallelRequests` as given) with the local or the Redis admission store. argv[2] is the JSON
// of FleetWorkerArgs. IPC: sends {type:'ready'} once its client (and store connection) exists,
// runs its share of the job on {type:'go'}, then sends {type:'done', result} and exits.
import { createModelRegistry } from '../../index.ts';
import type { AdmissionStoreConfig } from '../../config/schemas.ts';

export interface FleetWorkerArgs {
  endpoint: string;
  protocol: 'openai' | 'anthropic';
  model: string;
  maxParallelRequests: number;
  calls: number;
  maxTokens: number;
  store: { type: 'local' } | { type: 'redis'; url: string; keyPrefix: string; mode?: 'standalone' | 'cluster' };
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
const registry = createModelRegistry(
  {
    providers: [{ name: 'fake', endpoint: args.endpoint, providerType: args.protocol, apiKey: 'bench-key-not-a-secret' }],
    models: [
      {
        alias: 'chat',
        model: args.model,
        provider: 'fake',
        inferenceParameters: { maxParallelRequests: args.maxParallelRequests, timeoutSeconds: 120 },
      },
    ],
    admission: { policy: 'capacity', store: args.store as AdmissionStoreConfig },
  },
  { engine: 'v2', env: {}, logger: { debug() {}, info() {}, warn: (line) => void warnings.push(line) } },
);
const client = await registry.getClient('chat');
process.send?.({ type: 'ready' });

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'go') return;
  void run().then(async (result) => {
    process.send?.({ type: 'done', result });
    await registry.close();
    process.disconnect?.();
  });
});

async function run(): Promise<FleetWorkerResult> {
  const started = performance.now();
  const result: FleetWorkerResult = {
    calls: args.calls,
    succeeded: 0,
    failed: 0,
    failedByClass: {},
    successTimes: [],
    storeCommandMs,
    warnings,
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
  return result;
}
