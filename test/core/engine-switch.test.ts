import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { ENGINE_ENV_VAR, ENGINE_SWITCH_VALUES, resolveEngine } from '../../src/engine.ts';
import { createModelRegistry } from '../../src/index.ts';
import { ModelRegistry } from '../../src/facade/model-registry.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/logger.ts';

const env = (value: string | undefined) => (value === undefined ? {} : { [ENGINE_ENV_VAR]: value });
const legacy = { openai: 'legacy', anthropic: 'legacy', bedrock: 'legacy' };
const v2 = { openai: 'v2', anthropic: 'v2', bedrock: 'v2' };

describe('DATA_DESIGNER_ASYNC_ENGINE', () => {
  it.each([undefined, '', '0', 'false', 'FALSE', ' 0 ', 'legacy', 'Legacy'])('%j routes everything to legacy', (value) => {
    expect(resolveEngine(env(value))).toEqual(legacy);
  });

  // One vocabulary (issue 29 item 4): the names --engine takes are understood here too.
  it.each(['1', 'true', 'True', 'v2', ' V2 '])('%j routes everything to v2', (value) => {
    expect(resolveEngine(env(value))).toEqual(v2);
  });

  it('a provider-type list routes just those types to v2 (phased rollout)', () => {
    expect(resolveEngine(env('openai'))).toEqual({ openai: 'v2', anthropic: 'legacy', bedrock: 'legacy' });
    expect(resolveEngine(env('openai,anthropic'))).toEqual({ openai: 'v2', anthropic: 'v2', bedrock: 'legacy' });
    expect(resolveEngine(env(' openai , anthropic,bedrock'))).toEqual(v2);
  });

  it.each(['yes', '2', 'openai,vllm', 'openai,', 'v3', 'v2,openai'])(
    '%j is a ConfigError naming the variable and the accepted values',
    (value) => {
      let caught: unknown;
      try {
        resolveEngine(env(value));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.message).toContain(`${ENGINE_ENV_VAR}=${JSON.stringify(value)} is not understood (unknown part`);
      expect(error.message).toContain(ENGINE_SWITCH_VALUES);
      expect(error.message).toMatch(/"v2" \(or "1"\/"true".*"legacy" \(or "0"\/"false".*comma list/);
      expect(error.solution).toContain(`Give ${ENGINE_ENV_VAR} one of the values above`);
    },
  );

  it('an explicit engine option wins over the environment', () => {
    expect(resolveEngine(env('1'), 'legacy')).toEqual(legacy);
    expect(resolveEngine(env('0'), 'v2')).toEqual(v2);
    expect(resolveEngine(env('garbage'), { bedrock: 'v2' })).toEqual({ openai: 'legacy', anthropic: 'legacy', bedrock: 'v2' });
    expect(() => resolveEngine({}, { openai: 'v3' as 'v2' })).toThrow(ConfigError);
    // The option's strings speak the same vocabulary, with the same message.
    expect(resolveEngine({}, 'openai' as 'v2')).toEqual({ openai: 'v2', anthropic: 'legacy', bedrock: 'legacy' });
    expect(() => resolveEngine({}, 'v3' as 'v2')).toThrow(
      `engine option="v3" is not understood (unknown part: "v3"): use ${ENGINE_SWITCH_VALUES}`,
    );
  });
});

const config = {
  providers: [
    { name: 'oa', endpoint: 'http://127.0.0.1:9/v1', providerType: 'openai' },
    { name: 'an', endpoint: 'http://127.0.0.1:9', providerType: 'anthropic' },
  ],
  models: [
    { alias: 'text', model: 'gpt', provider: 'oa' },
    { alias: 'claude', model: 'claude-x', provider: 'an' },
  ],
};

describe('createModelRegistry', () => {
  it('exposes the resolved routing and logs it once', () => {
    const lines: string[] = [];
    const registry = createModelRegistry(config, {
      env: { [ENGINE_ENV_VAR]: 'openai' },
      logger: { debug: () => {}, info: (m) => lines.push(m), warn: () => {} },
    });
    expect(registry.engines).toEqual({ openai: 'v2', anthropic: 'legacy', bedrock: 'legacy' });
    expect(registry.engineFor('text')).toBe('v2');
    expect(registry.engineFor('claude')).toBe('legacy');
    expect(lines).toEqual(['model engine routing: openai=v2, anthropic=legacy, bedrock=legacy']);
  });

  it('fails loudly for an unknown alias, listing the configured ones', async () => {
    const registry = createModelRegistry(config, { env: {}, logger: silentLogger });
    await expect(registry.getClient('nope')).rejects.toThrow(/No model config with alias 'nope'/);
    expect(() => registry.getModelConfig('nope')).toThrow(/'text', 'claude'/);
  });

  it('never falls back to the other engine when a factory cannot be loaded', async () => {
    const requested: string[] = [];
    const registry = new ModelRegistry(parseConfig(config), {
      engines: { openai: 'v2', anthropic: 'v2', bedrock: 'v2' },
      logger: silentLogger,
      loadFactory: async (engine) => {
        requested.push(engine);
        throw new ConfigError(`The ${engine} engine is not built yet`);
      },
    });
    await expect(registry.getClient('text')).rejects.toThrow(/The v2 engine is not built yet/);
    expect(requested).toEqual(['v2']);
  });
});
