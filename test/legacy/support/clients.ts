// Builds legacy clients from config the way the registry does (zod-parsed, secret resolved).
import {
  modelConfigSchema,
  modelProviderSchema,
  resolveProvider,
  type ModelConfigInput,
  type ModelProviderInput,
} from '../../../src/config/schemas.ts';
import type { Runtime } from '../../../src/core/model-client.ts';
import { createClient } from '../../../src/models-legacy/index.ts';
import type { LegacyModelClient } from '../../../src/models-legacy/client/model-client.ts';

export interface SleepRecorder {
  runtime: Partial<Runtime>;
  sleeps: number[];
}

/** Sleeps return at once and are recorded; jitter is fixed so delays are exact. */
export function recordingRuntime(random = 0.5, now = Date.UTC(2025, 0, 1)): SleepRecorder {
  const sleeps: number[] = [];
  return {
    sleeps,
    runtime: {
      now: () => now,
      random: () => random,
      sleep: async (ms, signal) => {
        if (signal?.aborted) throw signal.reason;
        sleeps.push(ms);
      },
    },
  };
}

export function legacyClient(
  provider: Partial<ModelProviderInput> & { endpoint: string },
  model: Partial<ModelConfigInput> = {},
  runtime?: Partial<Runtime>,
  env: Record<string, string | undefined> = {},
): LegacyModelClient {
  const parsedProvider = modelProviderSchema.parse({ name: 'test-provider', providerType: 'openai', ...provider });
  const parsedModel = modelConfigSchema.parse({ alias: 'test-model', model: 'test-model-id', provider: parsedProvider.name, ...model });
  return createClient({ provider: resolveProvider(parsedProvider, env), model: parsedModel, runtime }) as LegacyModelClient;
}
