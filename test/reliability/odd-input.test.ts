// Odd input the compare would flag, both engines × three providers against the fake provider
// (docs/engine-rules.md, "Odd input"): each rule decided once, the same outcome on every engine,
// local errors raised before the network and never retried.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createModelRegistry, ModelBadRequestError, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName, Runtime } from '../../src/core/model-client.ts';
import type { ChatMessage, ProviderType } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES, MODELS, PROVIDERS } from './support/engine-provider-matrix.ts';

const ALIAS = 'odd-model';
const HELLO: ChatMessage[] = [{ role: 'user', content: 'Say hi.' }];

let provider: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await provider?.close();
  registry = undefined;
  provider = undefined;
});

/** Records backoff sleeps instead of waiting, so a retried failure shows up without the wait. */
function sleepRecorder(): Partial<Runtime> & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
    },
  };
}

interface Setup {
  engine: EngineName;
  type: ProviderType;
  apiKey?: string;
  env?: Record<string, string>;
  model?: string;
  runtime?: Partial<Runtime>;
}

async function open({ engine, type, apiKey = 'test-key-odd', env = {}, model = MODELS[type], runtime }: Setup): Promise<ModelRegistry> {
  provider ??= await startFakeProvider();
  registry = createModelRegistry(
    {
      providers: [{ name: `fake-${type}`, endpoint: provider.endpoints[type], providerType: type, apiKey, region: 'us-east-1' }],
      models: [{ alias: ALIAS, model, provider: `fake-${type}` }],
    },
    { engine, env, logger: silentLogger, runtime },
  );
  return registry;
}

function refusal(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

describe.each(ENGINES)('%s engine', (engine) => {
  describe.each(PROVIDERS)('%s provider', (type) => {
    it('an API key with surrounding whitespace is trimmed: one request, and it succeeds', async () => {
      for (const [apiKey, env] of [
        ['test-key-odd\n', {}],
        ['ODD_TEST_KEY', { ODD_TEST_KEY: '  test-key-from-env\r\n' }],
      ] as const) {
        const runtime = sleepRecorder();
        const model = await open({ engine, type, apiKey, env, runtime });
        expect(model.getProvider(`fake-${type}`).apiKey?.reveal()).toBe(apiKey.startsWith('ODD') ? 'test-key-from-env' : 'test-key-odd');
        const before = provider!.stats().requests;
        const response = await model.getModel(ALIAS).completion(HELLO);
        expect(response.choices[0]?.message.content).toBeTruthy();
        expect(provider!.stats().requests - before).toBe(1);
        expect(runtime.sleeps).toEqual([]);
        await model.close();
      }
    });

    it('an API key with whitespace inside, or blank, is a ConfigError naming the provider, never the key', async () => {
      for (const [apiKey, env] of [
        ['test-key odd-inside', {}],
        ['test-key-\nsecond-line', {}],
        ['BLANK_TEST_KEY', { BLANK_TEST_KEY: ' \n' }],
      ] as const) {
        let thrown: unknown;
        try {
          await open({ engine, type, apiKey, env });
        } catch (error) {
          thrown = error;
        }
        expect(thrown, `apiKey ${JSON.stringify(apiKey)}`).toBeInstanceOf(ConfigError);
        const message = (thrown as Error).message;
        expect(message).toContain(`'fake-${type}'`);
        expect(message).not.toContain('odd-inside');
        expect(message).not.toContain('second-line');
        if (apiKey === 'BLANK_TEST_KEY') expect(message).toContain('BLANK_TEST_KEY');
      }
      expect(provider?.stats().requests ?? 0).toBe(0);
    });

    const REFUSED: [string, ChatMessage[], Record<string, unknown>, RegExp][] = [
      ['an unknown message role', [{ role: 'critic', content: 'Be harsh.' } as unknown as ChatMessage, ...HELLO], {}, /role 'critic'/],
      ['a NaN temperature', HELLO, { temperature: Number.NaN }, /temperature/],
      ['an infinite top_p', HELLO, { top_p: Number.POSITIVE_INFINITY }, /top_p/],
      ['a negative max_tokens', HELLO, { max_tokens: -5 }, /max_tokens/],
      ['a fractional max_tokens', HELLO, { max_tokens: 10.5 }, /max_tokens/],
      ['n of 0', HELLO, { n: 0 }, /\bn\b/],
      ['a string seed', HELLO, { seed: '42' }, /seed/],
    ];
    for (const [label, messages, overrides, names] of REFUSED) {
      it(`${label} is a ModelBadRequestError before any request, not retried`, async () => {
        const runtime = sleepRecorder();
        const model = await open({ engine, type, runtime });
        const error = await model
          .getModel(ALIAS)
          .completion(messages, overrides)
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        expect(error, refusal(error)).toBeInstanceOf(ModelBadRequestError);
        expect((error as Error).message).toMatch(names);
        expect((error as ModelBadRequestError).modelAlias).toBe(ALIAS);
        expect(provider!.stats().requests).toBe(0);
        expect(runtime.sleeps).toEqual([]);
      });
    }

    it('valid numbers pass: the call goes out once', async () => {
      const model = await open({ engine, type });
      await expect(model.getModel(ALIAS).completion(HELLO, { max_tokens: 16, temperature: 0 })).resolves.toBeDefined();
      expect(provider!.stats().requests).toBe(1);
    });
  });

  it("bedrock: a model id of '..' or '.' is refused before any request, from config or per call", async () => {
    for (const id of ['..', '.']) {
      const runtime = sleepRecorder();
      const model = await open({ engine, type: 'bedrock', model: id, runtime });
      const error = await model
        .getModel(ALIAS)
        .completion(HELLO)
        .catch((caught: unknown) => caught);
      expect(error, refusal(error)).toBeInstanceOf(ModelBadRequestError);
      expect((error as Error).message).toContain(`'${id}'`);
      const client = await model.getClient(ALIAS);
      const perCall = await client.chat({ model: id, messages: HELLO }).catch((caught: unknown) => caught);
      expect(perCall, refusal(perCall)).toBeInstanceOf(ModelBadRequestError);
      expect(provider!.stats().requests).toBe(0);
      expect(runtime.sleeps).toEqual([]);
      await model.close();
    }
  });
});
