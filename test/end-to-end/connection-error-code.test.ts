// docs/engine-rules.md "Errors": a call that gets no response at all fails with a
// ModelAPIConnectionError whose message keeps the network error code (ECONNREFUSED, …) the caller
// can act on, in both engines and for every provider type (issue 29 item 3: v2 dropped it). The
// endpoint is a loopback port nothing listens on; retries sleep instantly (injected runtime).
import { describe, expect, it } from 'vitest';
import { createModelRegistry, DataDesignerError } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { freePort } from '../harness/support/free-port.ts';

const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};

describe.each(ENGINES)('%s: a refused connection names its error code', (engine) => {
  it.each(['openai', 'anthropic', 'bedrock'] as const)('%s', async (type) => {
    const port = await freePort();
    const endpoint = type === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
    const sleeps: number[] = [];
    const registry = createModelRegistry(
      {
        providers: [{ name: 'gone', endpoint, providerType: type, apiKey: 'fake-key-not-a-secret', region: 'us-east-1' }],
        models: [{ alias: 'm', model: MODELS[type], provider: 'gone' }],
      },
      { engine, env: {}, logger: silentLogger, runtime: { random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) } },
    );
    try {
      const client = await registry.getClient('m');
      const failure = await client.chat({ model: MODELS[type], messages: [{ role: 'user', content: 'hi' }] }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DataDesignerError);
      expect((failure as DataDesignerError).name).toBe('ModelAPIConnectionError');
      expect((failure as DataDesignerError).message).toContain(
        "The connection to model 'm' on provider 'gone' failed before a response arrived (ECONNREFUSED)",
      );
      // Still the connection budget: two retries, so the code is not bought with a shorter retry policy.
      expect(sleeps).toHaveLength(2);
    } finally {
      await registry.close();
    }
  });
});
