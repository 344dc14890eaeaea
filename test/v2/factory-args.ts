// Builds the factory arguments the registry would, from plain config objects.
import {
  modelConfigSchema,
  modelProviderSchema,
  resolveProvider,
  type ModelConfigInput,
  type ModelProviderInput,
} from '../../src/config/schemas.ts';
import type { Runtime } from '../../src/core/model-client.ts';
import type { ClientFactoryArgs } from '../../src/config/client-factory.ts';

export function factoryArgs(
  provider: ModelProviderInput,
  model: Omit<ModelConfigInput, 'provider'>,
  options: { env?: Record<string, string | undefined>; runtime?: Partial<Runtime> } = {},
): ClientFactoryArgs {
  const parsedProvider = modelProviderSchema.parse(provider);
  return {
    provider: resolveProvider(parsedProvider, options.env ?? {}),
    model: modelConfigSchema.parse({ ...model, provider: parsedProvider.name }),
    runtime: options.runtime,
  };
}

export interface RecordingRuntime extends Runtime {
  sleeps: number[];
}

/** A clock that advances only when slept on, with a fixed random draw: replays never wait. */
export function recordingRuntime(random = 0.5, start = 1_700_000_000_000): RecordingRuntime {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => random,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}
