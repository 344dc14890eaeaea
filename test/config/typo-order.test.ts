// A typo'd key is told first, with its guess, and not after (or instead of) a complaint about the
// key it was meant to be (issue 12, item 9).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import type { ConfigError } from '../../src/core/errors.ts';

function configError(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const PROVIDER = { name: 'p', endpoint: 'https://api.openai.com/v1', providerType: 'openai', apiKey: 'sk-fake-typo-order-0123456789' };

describe('config errors for a typo', () => {
  it('a typo of a required model key: the unknown key with its guess is the first and only line', () => {
    const error = configError({ providers: [PROVIDER], models: [{ alias: 'text', model: 'gpt-4o-mini', provder: 'p' }] });
    const lines = error.message.split('\n').filter((line) => line.startsWith('  - '));
    expect(lines[0]).toMatch(/^ {2}- models\[0\] \(alias "text"\): unknown key "provder" \(did you mean "provider"\?/);
    expect(lines.filter((line) => line.includes('models[0] (alias "text").provider'))).toEqual([]);
    expect(error.path).toBe('models[0]');
  });

  it('a typo of a required provider key: told first, before anything about other keys', () => {
    const { name: _name, ...rest } = PROVIDER;
    const error = configError({ providers: [{ ...rest, nmae: 'p' }], models: [{ alias: 'text', model: 'gpt-4o-mini', provider: 'p' }] });
    const lines = error.message.split('\n').filter((line) => line.startsWith('  - '));
    expect(lines[0]).toMatch(/^ {2}- providers\[0\]: unknown key "nmae" \(did you mean "name"\?/);
    expect(lines.filter((line) => line.includes('providers[0].name:'))).toEqual([]);
  });

  it('a missing key with no typo beside it is still reported', () => {
    const error = configError({ providers: [PROVIDER], models: [{ alias: 'text', model: 'gpt-4o-mini' }] });
    expect(error.message).toMatch(/models\[0\] \(alias "text"\)\.provider: /);
  });
});

describe('config errors name the list entry (issue 29 item 6)', () => {
  it('by its alias or name, not only its index: models[4] (alias "judge")', () => {
    const models = ['a', 'b', 'c', 'd'].map((alias) => ({ alias, model: 'm', provider: 'p' }));
    const error = configError({
      providers: [PROVIDER],
      models: [...models, { alias: 'judge', model: 'm', provider: 'p', inferenceParameters: { temperature: 9 } }],
    });
    expect(error.message).toContain('  - models[4] (alias "judge").inferenceParameters.temperature: temperature');
    // The machine-readable path stays the bare path.
    expect(error.path).toBe('models[4].inferenceParameters.temperature');
    const provider = configError({ providers: [{ ...PROVIDER, endpoint: 'ftp://x.test' }], models: [] });
    expect(provider.message).toContain('  - providers[0] (name "p").endpoint: ');
  });
});
