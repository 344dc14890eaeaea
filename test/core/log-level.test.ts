// DD_LOG_LEVEL is read strictly (issue 12, item 9): a value it does not understand is a
// ConfigError naming the variable and the accepted values, never a silent fallback to `warn`.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { logLevelFromEnv } from '../../src/core/logger.ts';
import { createModelRegistry } from '../../src/index.ts';

const CONFIG = {
  providers: [{ name: 'p', endpoint: 'https://api.openai.com/v1', providerType: 'openai', apiKey: 'sk-fake-log-level-0123456789' }],
  models: [{ alias: 'text', model: 'gpt-4o-mini', provider: 'p' }],
};

describe('DD_LOG_LEVEL', () => {
  it('accepts the four levels in any case, and unset or empty as warn', () => {
    expect(logLevelFromEnv({})).toBe('warn');
    expect(logLevelFromEnv({ DD_LOG_LEVEL: '' })).toBe('warn');
    expect(logLevelFromEnv({ DD_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFromEnv({ DD_LOG_LEVEL: 'INFO' })).toBe('info');
    expect(logLevelFromEnv({ DD_LOG_LEVEL: ' silent ' })).toBe('silent');
  });

  it('refuses anything else, naming the variable and the accepted values', () => {
    for (const value of ['verbose', 'trace', 'constructor', '1']) {
      expect(() => logLevelFromEnv({ DD_LOG_LEVEL: value }), value).toThrow(ConfigError);
      expect(() => logLevelFromEnv({ DD_LOG_LEVEL: value }), value).toThrow(
        `DD_LOG_LEVEL="${value}" is not understood; accepted values: debug, info, warn, silent`,
      );
    }
  });

  it('createModelRegistry (default logger) refuses DD_LOG_LEVEL=verbose before anything starts', () => {
    const previous = process.env.DD_LOG_LEVEL;
    process.env.DD_LOG_LEVEL = 'verbose';
    try {
      expect(() => createModelRegistry(CONFIG, { env: {} })).toThrow(/DD_LOG_LEVEL="verbose" is not understood/);
    } finally {
      if (previous === undefined) delete process.env.DD_LOG_LEVEL;
      else process.env.DD_LOG_LEVEL = previous;
    }
  });
});
