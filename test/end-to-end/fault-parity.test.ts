// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Provider garbage, both engines: connection resets, bodies cut mid-stream, a 200 that is not
// JSON, a stalled answer past the deadline, 503s. The fake provider injects each fault on real
// sockets; both engines must reach the same outcome with the same number of attempts, and that
// outcome must be the one docs/contract.md "Errors" and docs/contract.md "Retries, timeouts, admission" prescribe.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, DataDesignerError, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import type { FaultInput } from '../../src/testing/fake-provider/fault-script.ts';

const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};

interface Scenario {
  name: string;
  /** Faults for the first requests, in order; later requests are answered normally. */
  faults: FaultInput[];
  timeoutMs?: number;
  expected: { outcome: string; attempts: number; sleeps: number[] };
}

const SCENARIOS: Scenario[] = [
  { name: 'a reset connection is retried', faults: [{ kind: 'reset' }], expected: { outcome: 'ok', attempts: 2, sleeps: [2000] } },
  {
    name: 'resets exhaust the connection budget (2 retries)',
    faults: [{ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }],
    expected: { outcome: 'ModelAPIConnectionError', attempts: 3, sleeps: [2000, 4000] },
  },
  {
    name: 'a body cut by a closed connection is retried',
    faults: [{ kind: 'truncate', keepFraction: 0.5, closeConnection: true }],
    expected: { outcome: 'ok', attempts: 2, sleeps: [2000] },
  },
  {
    name: 'a complete 200 whose JSON is cut is an API error, not retried',
    faults: [{ kind: 'truncate', keepFraction: 0.5, closeConnection: false }],
    expected: { outcome: 'ModelAPIError', attempts: 1, sleeps: [] },
  },
  {
    name: 'an answer past the deadline is a timeout, retried',
    faults: [{ kind: 'delay', ms: 3000 }],
    timeoutMs: 300,
    expected: { outcome: 'ok', attempts: 2, sleeps: [2000] },
  },
  {
    name: '503 twice then success',
    faults: [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
    ],
    expected: { outcome: 'ok', attempts: 3, sleeps: [2000, 4000] },
  },
];

let provider: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await provider?.close();
  registry = undefined;
  provider = undefined;
});

async function run(engine: EngineName, type: ProviderType, scenario: Scenario) {
  provider = await startFakeProvider({ script: scenario.faults.map((fault, i) => ({ on: [i + 1], fault })) });
  const sleeps: number[] = [];
  registry = createModelRegistry(
    {
      providers: [
        { name: 'fake', endpoint: provider.endpoints[type], providerType: type, apiKey: 'fake-key-not-a-secret', region: 'us-east-1' },
      ],
      models: [{ alias: 'm', model: MODELS[type], provider: 'fake' }],
    },
    {
      engine,
      env: {},
      logger: silentLogger,
      runtime: {
        random: () => 0.5,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    },
  );
  const client = await registry.getClient('m');
  let outcome = 'ok';
  try {
    const response = await client.chat({
      model: MODELS[type],
      messages: [{ role: 'user', content: 'Name a colour.' }],
      max_tokens: 32,
      timeout_ms: scenario.timeoutMs,
    });
    expect(response.choices[0].message.content).toBeTruthy();
  } catch (error) {
    outcome = error instanceof DataDesignerError ? error.name : `unmapped ${(error as Error).name}: ${(error as Error).message}`;
  }
  const attempts = provider.stats().requests;
  await registry.close();
  await provider.close();
  registry = undefined;
  provider = undefined;
  return { outcome, attempts, sleeps };
}

describe.each(['openai', 'anthropic', 'bedrock'] as const)('%s: both engines survive provider faults alike', (type) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const legacy = await run('legacy', type, scenario);
    const v2 = await run('v2', type, scenario);
    expect({ legacy, v2 }).toEqual({ legacy: scenario.expected, v2: scenario.expected });
  });
});
