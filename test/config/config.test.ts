import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { parseConfig, parseConfigText } from '../../src/config/load-config.ts';
import {
  chatInferenceParamsSchema,
  inferenceParamsSchema,
  modelConfigSchema,
  modelProviderSchema,
  resolveProvider,
} from '../../src/config/schemas.ts';
import { sampleChatParams, sampleDistribution } from '../../src/config/sample-params.ts';
import { applyPrecedence } from '../../src/config/precedence.ts';
import { resolveSecretRef } from '../../src/config/secret-ref.ts';
import { inspect } from 'node:util';
import type { ChatRequest } from '../../src/core/types.ts';

// Deterministic PRNG so statistical assertions are reproducible (mulberry32).
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const baseConfig = {
  providers: [{ name: 'openai-prod', endpoint: 'https://api.openai.com/v1/', providerType: 'openai', apiKey: 'OPENAI_API_KEY' }],
  models: [{ alias: 'text', model: 'gpt-4o-mini', provider: 'openai-prod' }],
};

describe('reference config case 1: ranges', () => {
  it('rejects temperature 2.5 naming the range and accepts top_p 1.0', () => {
    const bad = chatInferenceParamsSchema.safeParse({ temperature: 2.5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toMatch(/temperature .*between 0\.0 and 2\.0/);
    expect(chatInferenceParamsSchema.parse({ topP: 1.0 }).topP).toBe(1);
  });

  it('rejects distributions that leave the range', () => {
    expect(
      chatInferenceParamsSchema.safeParse({ temperature: { distributionType: 'uniform', params: { low: 0.5, high: 2.5 } } }).success,
    ).toBe(false);
    const manual = chatInferenceParamsSchema.safeParse({ topP: { distributionType: 'manual', params: { values: [0.5, 1.2] } } });
    expect(manual.success).toBe(false);
    expect(manual.error?.issues[0].message).toMatch(/topP .*between 0\.0 and 1\.0/);
  });
});

describe('reference config case 2: distributions', () => {
  it('requires low < high', () => {
    const r = chatInferenceParamsSchema.safeParse({ temperature: { distributionType: 'uniform', params: { low: 1, high: 1 } } });
    expect(r.error?.issues[0].message).toBe('low must be less than high');
  });

  it('normalises manual weights and validates their length and sum', () => {
    const parsed = chatInferenceParamsSchema.parse({
      temperature: { distributionType: 'manual', params: { values: [0.1, 0.9], weights: [1, 3] } },
    });
    expect(parsed.temperature).toEqual({ distributionType: 'manual', params: { values: [0.1, 0.9], weights: [0.25, 0.75] } });
    const length = chatInferenceParamsSchema.safeParse({
      temperature: { distributionType: 'manual', params: { values: [1, 2], weights: [1] } },
    });
    expect(length.error?.issues[0].message).toMatch(/same length/);
    const zero = chatInferenceParamsSchema.safeParse({
      temperature: { distributionType: 'manual', params: { values: [1, 2], weights: [0, 0] } },
    });
    expect(zero.error?.issues[0].message).toBe('weights must sum to a non-zero value');
  });

  it('samples manual weights in proportion (seeded, 20k draws)', () => {
    const random = seeded(42);
    const dist = { distributionType: 'manual' as const, params: { values: [0.1, 0.9], weights: [0.25, 0.75] } };
    let high = 0;
    for (let i = 0; i < 20_000; i++) if (sampleDistribution(dist, random) === 0.9) high++;
    expect(high / 20_000).toBeGreaterThan(0.73);
    expect(high / 20_000).toBeLessThan(0.77);
  });

  it('samples uniform within [low, high) with the right mean', () => {
    const random = seeded(7);
    const dist = { distributionType: 'uniform' as const, params: { low: 0.5, high: 1.5 } };
    const draws = Array.from({ length: 10_000 }, () => sampleDistribution(dist, random));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...draws)).toBeLessThan(1.5);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
  });
});

describe('reference config case 3: inference-parameter coercion', () => {
  it('routes by embedding keys or generationType', () => {
    expect(inferenceParamsSchema.parse({ dimensions: 256 })).toMatchObject({
      generationType: 'embedding',
      encodingFormat: 'float',
      dimensions: 256,
    });
    expect(inferenceParamsSchema.parse({ temperature: 0.5 })).toMatchObject({
      generationType: 'chat-completion',
      temperature: 0.5,
      maxParallelRequests: 4,
    });
    const image = inferenceParamsSchema.safeParse({ generationType: 'image' });
    expect(image.success).toBe(false);
    expect(image.error?.issues[0].message).toMatch(/chat-completion.*embedding.*image generation is not supported/);
  });
});

describe('reference config case 4: provider type', () => {
  it('stores any case as lower-case', () => {
    expect(modelProviderSchema.parse({ name: 'p', endpoint: 'https://x.test', providerType: 'OpenAI' }).providerType).toBe('openai');
    expect(modelProviderSchema.parse({ name: 'p', endpoint: 'https://x.test', providerType: 'BEDROCK' }).providerType).toBe('bedrock');
  });

  it('rejects unknown types listing the valid ones and the OpenAI-compatible note', () => {
    const error = configError(() => parseConfig({ ...baseConfig, providers: [{ ...baseConfig.providers[0], providerType: 'vllm' }] }));
    expect(error.message).toContain('providers[0] (name "openai-prod").providerType');
    expect(error.message).toMatch(/"openai", "anthropic", "bedrock"/);
    expect(error.message).toMatch(/vLLM.*"openai"/);
    expect(error.message).toContain('set providerType "openai" and dialect "vllm"');
  });
});

describe('server dialect (issue 30)', () => {
  const withProvider = (extra: Record<string, unknown>) =>
    parseConfig({ ...baseConfig, providers: [{ ...baseConfig.providers[0], ...extra }] });

  it('is optional, any case, stored lower-case', () => {
    expect(withProvider({}).providers[0].dialect).toBeUndefined();
    expect(withProvider({ dialect: ' Mistral ' }).providers[0].dialect).toBe('mistral');
    expect(withProvider({ dialect: 'llamacpp' }).providers[0].dialect).toBe('llamacpp');
  });

  it('an unknown dialect names the closest one and lists the valid values', () => {
    const error = configError(() => withProvider({ dialect: 'mistal' }));
    expect(error.message).toContain('providers[0] (name "openai-prod").dialect: unknown dialect "mistal"; did you mean "mistral"?');
    expect(error.message).toContain(
      'valid values are "openai", "vllm", "nim", "tgi", "ollama", "llamacpp", "openrouter", "azure", "groq", "together", ' +
        '"deepseek", "mistral"',
    );
    expect(configError(() => withProvider({ dialect: 'llama.cpp' })).message).toContain('did you mean "llamacpp"?');
    expect(configError(() => withProvider({ dialect: 'lmstudio' })).message).not.toContain('did you mean');
  });

  it('is refused on an Anthropic or Bedrock provider, naming the provider', () => {
    const error = configError(() => withProvider({ providerType: 'anthropic', dialect: 'openai' }));
    expect(error.message).toContain('providers[0] (name "openai-prod").dialect');
    expect(error.message).toContain('dialect applies to OpenAI-compatible servers (providerType "openai"), not "anthropic"');
  });
});

describe('reference config case 5: per-request params', () => {
  it('re-samples a distribution on every request and omits unset keys', () => {
    const params = chatInferenceParamsSchema.parse({
      temperature: { distributionType: 'uniform', params: { low: 0, high: 2 } },
      extraBody: {},
    });
    const random = seeded(1);
    const first = sampleChatParams(params, random);
    const second = sampleChatParams(params, random);
    expect(first.temperature).not.toBe(second.temperature);
    expect(Object.keys(first)).toEqual(['temperature']);
  });

  it('converts timeoutSeconds to a client deadline, never a body key', () => {
    const sampled = sampleChatParams(chatInferenceParamsSchema.parse({ timeoutSeconds: 120, maxTokens: 10, topP: 0.9 }));
    expect(sampled).toEqual({ timeout_ms: 120_000, max_tokens: 10, top_p: 0.9 });
  });
});

describe('strict config', () => {
  it('names the path of an unknown key', () => {
    const error = configError(() =>
      parseConfig({ ...baseConfig, models: [{ ...baseConfig.models[0], inferenceParameters: { temprature: 0.3 } }] }),
    );
    expect(error.message).toContain('models[0] (alias "text").inferenceParameters');
    expect(error.message).toContain('"temprature"');
    expect(error.path).toBe('models[0].inferenceParameters');
  });

  it('rejects wrong types with the path', () => {
    const error = configError(() =>
      parseConfig({
        ...baseConfig,
        models: [{ alias: 'a', model: 'm', provider: 'openai-prod', inferenceParameters: { maxTokens: 'many' } }],
      }),
    );
    expect(error.message).toMatch(/models\[0\] \(alias "a"\)\.inferenceParameters\.maxTokens: .*expected number/);
  });

  it('rejects duplicate provider names and model aliases', () => {
    const error = configError(() =>
      parseConfig({ providers: [baseConfig.providers[0], baseConfig.providers[0]], models: [baseConfig.models[0], baseConfig.models[0]] }),
    );
    expect(error.message).toContain('duplicate provider name "openai-prod"');
    expect(error.message).toContain('duplicate model alias "text"');
  });

  it('reports dangling references after the shape is valid', () => {
    const error = configError(() => parseConfig({ ...baseConfig, models: [{ alias: 'a', model: 'm', provider: 'nope' }] }));
    expect(error.message).toMatch(/models\[0\] \(alias "a"\)\.provider: unknown provider "nope"; configured providers: "openai-prod"/);
  });

  it('strips trailing slashes from endpoints and loads YAML', () => {
    const config = parseConfigText(
      [
        'providers:',
        '  - name: local',
        '    endpoint: http://127.0.0.1:8000/v1/',
        'models:',
        '  - alias: a',
        '    model: m',
        '    provider: local',
      ].join('\n'),
      'config.yaml',
    );
    expect(config.providers[0].endpoint).toBe('http://127.0.0.1:8000/v1');
    expect(config.providers[0].providerType).toBe('openai');
  });

  it('names the file on unparseable YAML', () => {
    expect(() => parseConfigText('providers: [', 'broken.yaml')).toThrow(/broken\.yaml as YAML/);
  });
});

describe('secret references', () => {
  it('resolves an env-var name, else takes the literal, and never prints the value', () => {
    const env = { MY_KEY: 'sk-fake-planted-secret-value-123' };
    const fromEnv = resolveSecretRef('MY_KEY', env)!;
    expect(fromEnv.reveal()).toBe('sk-fake-planted-secret-value-123');
    expect(fromEnv.origin).toBe('env:MY_KEY');
    const literal = resolveSecretRef('literal-key-abcdef', env)!;
    expect(literal.reveal()).toBe('literal-key-abcdef');
    const provider = resolveProvider(modelProviderSchema.parse({ name: 'p', endpoint: 'https://x.test', apiKey: 'MY_KEY' }), env);
    for (const shown of [String(provider.apiKey), JSON.stringify(provider), inspect(provider, { depth: 5 })]) {
      expect(shown).not.toContain('sk-fake-planted-secret-value-123');
    }
    expect(JSON.stringify(provider)).toContain('"apiKey":"***"');
  });

  it('never echoes a bad apiKey value in a config error', () => {
    const error = configError(() =>
      parseConfig({ providers: [{ name: 'p', endpoint: 'https://x.test', apiKey: 12345678, api_key: 'sk-should-not-show-999' }] }),
    );
    expect(error.message).toContain('providers[0] (name "p").apiKey');
    expect(error.message).not.toContain('12345678');
    expect(error.message).not.toContain('sk-should-not-show-999');
  });

  it('keeps a literal apiKey out of the parsed config dump, and a re-parse keeps the reference', () => {
    const literal = 'cfgPlantedLiteralKey5Tb9';
    const config = parseConfig({ providers: [{ name: 'p', endpoint: 'https://x.test', apiKey: literal }] });
    for (const shown of [JSON.stringify(config), inspect(config, { depth: Infinity }), String(config.providers[0].apiKey)]) {
      expect(shown).not.toContain(literal);
    }
    expect(JSON.stringify(config)).toContain('"apiKey":"***"');
    const again = parseConfig(config);
    expect(resolveProvider(again.providers[0], {}).apiKey?.reveal()).toBe(literal);
  });

  it('prints credential-named extraHeaders and MCP env values as ***, sends them unchanged', () => {
    const config = parseConfig({
      providers: [{ name: 'p', endpoint: 'https://x.test', extraHeaders: { 'api-key': 'cfgPlantedHeader7Wm', 'x-tenant': 'acme' } }],
      mcpServers: [{ name: 'm', transport: 'stdio', command: 'x', env: { GITHUB_TOKEN: 'cfgPlantedEnvToken3Q', LANG: 'C' } }],
    });
    const shown = [JSON.stringify(config), inspect(config, { depth: Infinity })].join('\n');
    expect(shown).not.toContain('cfgPlantedHeader7Wm');
    expect(shown).not.toContain('cfgPlantedEnvToken3Q');
    expect(shown).toContain('acme');
    expect({ ...config.providers[0].extraHeaders }).toEqual({ 'api-key': 'cfgPlantedHeader7Wm', 'x-tenant': 'acme' });
    const merged = applyPrecedence<ChatRequest>({ messages: [{ role: 'user', content: 'x' }] }, {}, config.providers[0]);
    expect(merged.extra_headers).toEqual({ 'api-key': 'cfgPlantedHeader7Wm', 'x-tenant': 'acme' });
    // createModelRegistry re-parses a parsed config: the masked map must survive that.
    const again = parseConfig(config);
    expect({ ...again.providers[0].extraHeaders }).toEqual({ 'api-key': 'cfgPlantedHeader7Wm', 'x-tenant': 'acme' });
    expect(JSON.stringify(again)).not.toContain('cfgPlantedHeader7Wm');
  });

  it('rejects an endpoint carrying user:password@ without repeating the password', () => {
    const error = configError(() => parseConfig({ providers: [{ name: 'p', endpoint: 'https://me:cfgPlantedUrlPass8@x.test/v1' }] }));
    expect(error.message).toContain('providers[0] (name "p").endpoint: provider "p": endpoint must not hold credentials');
    expect(error.message).not.toContain('cfgPlantedUrlPass8');
  });

  it('derives the Bedrock region from the endpoint, then AWS_REGION', () => {
    const fromEndpoint = resolveProvider(
      modelProviderSchema.parse({ name: 'b', endpoint: 'https://bedrock-runtime.eu-west-1.amazonaws.com', providerType: 'bedrock' }),
      { AWS_REGION: 'us-east-2' },
    );
    expect(fromEndpoint.region).toBe('eu-west-1');
    const fromEnv = resolveProvider(modelProviderSchema.parse({ name: 'b', endpoint: 'http://127.0.0.1:9', providerType: 'bedrock' }), {
      AWS_REGION: 'us-east-2',
    });
    expect(fromEnv.region).toBe('us-east-2');
  });
});

describe('parameter precedence (reference case 45, without telemetry headers)', () => {
  it('call beats config; provider extra_body and headers win key by key', () => {
    const merged = applyPrecedence<Partial<ChatRequest>>(
      { temperature: 0.5, extra_body: { foo: 'config' } },
      { temperature: 0.9, extra_body: { foo: 'bar' }, extra_headers: { hello: 'caller', 'X-Trace-ID': 'abc' } },
      { extraBody: { foo_provider: 'bar_provider' }, extraHeaders: { hello: 'world', hola: 'mundo' } },
    );
    expect(merged).toEqual({
      temperature: 0.9,
      extra_body: { foo: 'bar', foo_provider: 'bar_provider' },
      extra_headers: { hello: 'world', hola: 'mundo', 'X-Trace-ID': 'abc' },
    });
  });

  it('leaves the request alone when the provider sets nothing', () => {
    expect(applyPrecedence<Partial<ChatRequest>>({ top_p: 0.5 }, {}, {})).toEqual({ top_p: 0.5 });
  });
});

describe('model config defaults', () => {
  it('defaults to chat params and health checks on', () => {
    expect(modelConfigSchema.parse({ alias: 'a', model: 'm', provider: 'p' })).toMatchObject({
      skipHealthCheck: false,
      inferenceParameters: { generationType: 'chat-completion', maxParallelRequests: 4 },
    });
  });
});

describe('unknown keys name what is allowed there', () => {
  it('suggests the key a typo meant and lists the allowed ones', () => {
    const provider = configError(() => parseConfig({ ...baseConfig, providers: [{ ...baseConfig.providers[0], providerTyp: 'openai' }] }));
    expect(provider.message).toContain(
      'providers[0] (name "openai-prod"): unknown key "providerTyp" (did you mean "providerType"? allowed: name, endpoint, providerType, ' +
        'apiKey, region, extraBody, extraHeaders, maxResponseBytes, dialect)',
    );
    const chat = configError(() =>
      parseConfig({ ...baseConfig, models: [{ ...baseConfig.models[0], inferenceParameters: { temprature: 0.3 } }] }),
    );
    expect(chat.message).toContain(
      'unknown key "temprature" (did you mean "temperature"? allowed: generationType, temperature, topP, maxTokens,',
    );
  });

  it('picks the variant the input chose (embedding params, http MCP server, manual distribution)', () => {
    const embedding = configError(() =>
      parseConfig({
        ...baseConfig,
        models: [{ ...baseConfig.models[0], inferenceParameters: { generationType: 'embedding', max_tokens: 5 } }],
      }),
    );
    expect(embedding.message).toContain(
      'unknown key "max_tokens" (allowed: generationType, encodingFormat, dimensions, maxParallelRequests, timeoutSeconds, extraBody)',
    );
    const server = configError(() =>
      parseConfig({
        ...baseConfig,
        mcpServers: [{ name: 's', transport: 'streamable_http', url: 'http://127.0.0.1:1/mcp', api_key: 'K' }],
      }),
    );
    expect(server.message).toContain(
      'mcpServers[0] (name "s"): unknown key "api_key" (did you mean "apiKey"? allowed: name, transport, url, apiKey)',
    );
    const weights = configError(() =>
      parseConfig({
        ...baseConfig,
        models: [
          {
            ...baseConfig.models[0],
            inferenceParameters: { temperature: { distributionType: 'manual', params: { values: [0.1], weight: [1] } } },
          },
        ],
      }),
    );
    expect(weights.message).toContain('unknown key "weight" (did you mean "weights"? allowed: values, weights)');
  });
});
