// `apiKey: OPENAI_API_KEY` with the variable not exported is sent literally as the key, and the
// provider answers 401 "invalid key" — which says nothing about the missing variable. The registry
// warns when it is created, naming the provider and the variable (issue 12, item 9): an all-caps
// name with underscores is the config's text, not a credential, so it is not redacted.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import { createModelRegistry } from '../../src/index.ts';
import { REDACTED, redactSecrets } from '../../src/core/secrets.ts';

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
      'provider \'openai-prod\': apiKey names the environment variable OPENAI_API_KEY, which is not set, so the text "OPENAI_API_KEY" is sent as the key; export OPENAI_API_KEY (or put the key itself in the config).',
    ]);
  });

  it('names the variable through the default redacting logger too, while real keys stay hidden', async () => {
    const warnings: string[] = [];
    const registry = createModelRegistry(config('DD_TEST_UNSET_VARIABLE_KEY'), {
      env: {},
      logger: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) },
    });
    await registry.close();
    expect(warnings[0]).toContain('export DD_TEST_UNSET_VARIABLE_KEY');
    const literal = createModelRegistry(config('sk-literal-key-0123456789'), {
      env: {},
      logger: { debug: () => {}, info: () => {}, warn: () => {} },
    });
    await literal.close();
    expect(redactSecrets('key sk-literal-key-0123456789')).toBe(
      'key sk-literal-key-0123456789'.replace('sk-literal-key-0123456789', REDACTED),
    );
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
