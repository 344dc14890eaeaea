// One chat call through the public registry, on one engine, against the hostile server; returns
// what the caller saw and how many requests the server received.
import { createModelRegistry, DataDesignerError } from '../../../src/index.ts';
import type { DataDesignerConfigInput } from '../../../src/config/schemas.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { CallOptions, EngineName } from '../../../src/core/model-client.ts';
import type { ChatRequest, ProviderType } from '../../../src/core/types.ts';
import { MODELS, endpointFor, type HostileServer } from './hostile-server.ts';

export type ProviderInput = DataDesignerConfigInput['providers'][number];
export type InferenceInput = NonNullable<DataDesignerConfigInput['models']>[number]['inferenceParameters'];

export interface CallSetup {
  provider?: Partial<ProviderInput>;
  inference?: InferenceInput;
  request?: Partial<Omit<ChatRequest, 'model'>>;
  options?: CallOptions;
}

export interface CallResult {
  outcome: string;
  error?: DataDesignerError;
  attempts: number;
  sleeps: number[];
  elapsedMs: number;
}

export function providerConfig(type: ProviderType, server: HostileServer, overrides: Partial<ProviderInput> = {}): ProviderInput {
  return {
    name: 'hostile',
    endpoint: endpointFor(type, server.url),
    providerType: type,
    apiKey: 'fake-key-not-a-secret',
    region: 'us-east-1',
    ...overrides,
  };
}

export async function runCall(engine: EngineName, type: ProviderType, server: HostileServer, setup: CallSetup = {}): Promise<CallResult> {
  const sleeps: number[] = [];
  const before = server.requests;
  const registry = createModelRegistry(
    {
      providers: [providerConfig(type, server, setup.provider)],
      models: [
        { alias: 'm', model: MODELS[type], provider: 'hostile', ...(setup.inference ? { inferenceParameters: setup.inference } : {}) },
      ],
    },
    {
      engine,
      env: {},
      logger: silentLogger,
      runtime: { random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) },
    },
  );
  const started = Date.now();
  let outcome = 'ok';
  let error: DataDesignerError | undefined;
  try {
    const client = await registry.getClient('m');
    await client.chat(
      { model: MODELS[type], messages: [{ role: 'user', content: 'Name a colour.' }], max_tokens: 32, ...setup.request },
      setup.options,
    );
  } catch (caught) {
    if (caught instanceof DataDesignerError) {
      error = caught;
      outcome = caught.name;
    } else {
      outcome = `unmapped ${(caught as Error).name}: ${(caught as Error).message}`;
    }
  } finally {
    await registry.close();
  }
  return { outcome, error, attempts: server.requests - before, sleeps, elapsedMs: Date.now() - started };
}
