// `apiKey: OPENAI_API_KEY` with the variable not exported is sent literally as the key, and the
// provider answers 401 "invalid key" — which says nothing about the missing variable. The registry
// warns when it is created, naming the provider (never the value it will send).
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import { createModelRegistry } from '../../src/index.ts';

function capture(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) } };
}

const config = (apiKey: string) => ({
  providers: [{ name: 'openai-prod', endpoint: 'https://api.openai.com/v1', providerType: 'openai', apiKey }],
  models: [{ alias: 'text', model: 'gpt-4o-mini', provider: 'openai-prod' }],
});

describe('apiKey secret references', () => {
  it('warns when the reference looks like an unset environment variable', async () => {
    const { logger, warnings } = capture();
    const registry = createModelRegistry(config('OPENAI_API_KEY'), { env: {}, logger });
    await registry.close();
    expect(warnings).toEqual([
      "provider 'openai-prod': apiKey looks like the name of an environment variable that is not set, so it is sent literally as the key; export the variable (or put the key itself in the config).",
    ]);
  });

  it('stays quiet when the variable is set or the value is clearly a literal key', async () => {
    for (const [apiKey, env] of [
      ['OPENAI_API_KEY', { OPENAI_API_KEY: 'sk-test-value-1234567890' }],
      ['sk-literal-key-0123456789', {}],
    ] as const) {
      const { logger, warnings } = capture();
      const registry = createModelRegistry(config(apiKey), { env, logger });
      await registry.close();
      expect(warnings, apiKey).toEqual([]);
    }
  });
});
