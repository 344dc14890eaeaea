// Every fault × both engines × three providers: one typed outcome, the attempts the server saw and
// the sleeps the engine asked for (the runtime is injected, so nothing really sleeps). Both
// engines must match the row's expectation exactly: there are no per-engine exceptions.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, DataDesignerError, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { FAULT_CASES, NOW, RANDOM, type Expected, type FaultCase } from './fault-matrix-cases.ts';
import { refusedEndpoint, startScriptedProvider, type ScriptedProvider } from './support/scripted-provider.ts';
import { ENGINES, MODELS } from './support/engine-provider-matrix.ts';

let server: ScriptedProvider | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await server?.close();
  registry = undefined;
  server = undefined;
});

async function run(engine: EngineName, provider: ProviderType, fault: FaultCase): Promise<Expected> {
  server = fault.steps === 'refused' ? undefined : await startScriptedProvider(provider, fault.steps);
  const endpoint = server ? server.endpoint : await refusedEndpoint(provider);
  const sleeps: number[] = [];
  // A virtual clock that moves only when the engine sleeps: time-based state (HTTP-date hints,
  // v2's throttle cooldown) sees the same passage of time as with a real clock, without waiting.
  let clock = NOW;
  registry = createModelRegistry(
    {
      providers: [
        {
          name: 'scripted',
          endpoint,
          providerType: provider,
          apiKey: 'matrix-key-not-a-secret',
          ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}),
        },
      ],
      models: [{ alias: 'm', model: MODELS[provider], provider: 'scripted' }],
    },
    {
      engine,
      env: {},
      logger: silentLogger,
      runtime: {
        now: () => clock,
        random: () => RANDOM,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      },
    },
  );
  const client = await registry.getClient('m');
  let result: Expected;
  try {
    const response = await client.chat({
      model: MODELS[provider],
      messages: [{ role: 'user', content: 'Name a colour.' }],
      max_tokens: 16,
      ...(fault.timeoutMs ? { timeout_ms: fault.timeoutMs } : {}),
    });
    expect(response.choices[0].message.content).toBeTruthy();
    result = { outcome: 'ok', attempts: 0, sleeps };
  } catch (error) {
    const outcome = error instanceof DataDesignerError ? error.name : `unmapped ${(error as Error).name}: ${(error as Error).message}`;
    const status = error instanceof DataDesignerError ? error.status : undefined;
    result = { outcome, ...(status === undefined ? {} : { status }), attempts: 0, sleeps };
  }
  result.attempts = server?.requests() ?? 0;
  await registry.close();
  await server?.close();
  registry = undefined;
  server = undefined;
  return result;
}

describe.each(['openai', 'anthropic', 'bedrock'] as const)('fault matrix, %s', (provider) => {
  it.each(FAULT_CASES.map((c) => [`${c.group}: ${c.name}`, c] as const))('%s', async (_name, fault) => {
    const outcomes: Record<string, unknown> = {};
    for (const engine of ENGINES) outcomes[engine] = await run(engine, provider, fault);
    expect(outcomes).toEqual(Object.fromEntries(ENGINES.map((engine) => [engine, fault.expected])));
  });
});

describe('the matrix itself', () => {
  it('covers every fault family the reliability brief names', () => {
    const groups = new Set(FAULT_CASES.map((c) => c.group));
    expect([...groups]).toEqual(['transport', 'malformed 200', '5xx', '429 hints', '4xx', 'redirects', 'x-should-retry']);
    expect(new Set(FAULT_CASES.map((c) => `${c.group}: ${c.name}`)).size).toBe(FAULT_CASES.length);
  });
});
