// Issue 12 item 10: a Data Designer user's config (the source system's snake_case shape) loads
// as-is, means exactly what the same config in our shape means, and fails with the same strict
// errors — named with the path as the user wrote it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile, parseConfig } from '../../src/config/load-config.ts';
import { resolveProvider } from '../../src/config/schemas.ts';
import { configShape } from '../../src/config/snake-case-config.ts';
import { ConfigError } from '../../src/core/errors.ts';

const SOURCE_FILE = 'test/config/data/data-designer-models.yaml';
const PLANTED = ['vllmPlantedHeaderKey4Qz', 'ghpPlantedEnvSecret8Lk', 'nvapiPlantedKey0xRz'];

/** The same configuration written in our shape (docs/config-shapes.md). */
const OURS = {
  providers: [
    { name: 'nvidia', endpoint: 'https://integrate.api.nvidia.com/v1/', providerType: 'OpenAI', apiKey: 'NVIDIA_API_KEY' },
    {
      name: 'local-vllm',
      endpoint: 'http://127.0.0.1:8000/v1',
      providerType: 'openai',
      extraHeaders: { 'x-api-key': 'vllmPlantedHeaderKey4Qz', 'x-tenant': 'synth-team' },
    },
  ],
  models: [
    {
      alias: 'text',
      model: 'meta/llama-3.3-70b-instruct',
      provider: 'nvidia',
      inferenceParameters: { temperature: 0.85, topP: 0.95, maxTokens: 2048, maxParallelRequests: 8, timeoutSeconds: 120 },
    },
    {
      alias: 'diverse',
      model: 'meta/llama-3.3-70b-instruct',
      provider: 'nvidia',
      inferenceParameters: {
        generationType: 'chat-completion',
        temperature: { distributionType: 'uniform', params: { low: 0.5, high: 1.2 } },
        topP: { distributionType: 'manual', params: { values: [0.9, 0.95], weights: [3, 1] } },
      },
      skipHealthCheck: true,
    },
    {
      alias: 'embed',
      model: 'nvidia/llama-3.2-nv-embedqa-1b-v2',
      provider: 'nvidia',
      inferenceParameters: { encodingFormat: 'float', dimensions: 1024, extraBody: { input_type: 'query' } },
    },
    { alias: 'local', model: 'Qwen/Qwen3-8B', provider: 'local-vllm' },
  ],
  tools: [{ toolAlias: 'search', providers: ['docs-search', 'files'], maxToolCallTurns: 3, timeoutSeconds: 30.5 }],
  mcpServers: [
    { name: 'docs-search', transport: 'streamable_http', url: 'https://mcp.example.test/mcp', apiKey: 'DOCS_MCP_KEY' },
    {
      name: 'files',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/data'],
      env: { GITHUB_TOKEN: 'ghpPlantedEnvSecret8Lk' },
    },
  ],
};

function sourceConfig(): any {
  return parseYaml(readFileSync(SOURCE_FILE, 'utf8'));
}

function errorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** The source file with one change applied. */
function edited(change: (config: any) => void): unknown {
  const config = sourceConfig();
  change(config);
  return config;
}

describe('a Data Designer (snake_case) config', () => {
  it('loads as-is and means what the same config in our shape means', async () => {
    const loaded = await loadConfigFile(SOURCE_FILE);
    expect(configShape(sourceConfig())).toBe('source');
    expect(configShape(OURS)).toBe('ours');
    const ours = parseConfig(OURS);
    // Secret references print as ***, so compare what they resolve to as well.
    expect(JSON.parse(JSON.stringify(loaded))).toEqual(JSON.parse(JSON.stringify(ours)));
    const env = { NVIDIA_API_KEY: 'nvapiPlantedKey0xRz' };
    expect(resolveProvider(loaded.providers[0], env).apiKey?.reveal()).toBe('nvapiPlantedKey0xRz');
    expect(loaded.mcpServers[0]).toMatchObject({ transport: 'streamable_http', url: 'https://mcp.example.test/mcp' });
    expect((loaded.mcpServers[0] as { apiKey?: { reveal(): string } }).apiKey?.reveal()).toBe('DOCS_MCP_KEY');
  });

  it('applies the source defaults and rules: provider_type lower-cased, trailing / stripped, default provider, nulls unset', async () => {
    const config = await loadConfigFile(SOURCE_FILE);
    expect(config.providers[0]).toMatchObject({ providerType: 'openai', endpoint: 'https://integrate.api.nvidia.com/v1' });
    expect(config.providers[1].apiKey).toBeUndefined();
    const byAlias = Object.fromEntries(config.models.map((m) => [m.alias, m]));
    // `provider: null` takes the top-level `default` (LEGACY registry rule).
    expect(byAlias.diverse.provider).toBe('nvidia');
    expect(byAlias.diverse.inferenceParameters).not.toHaveProperty('maxTokens');
    expect(byAlias.diverse.inferenceParameters).toMatchObject({ topP: { params: { weights: [0.75, 0.25] } }, maxParallelRequests: 4 });
    // encoding_format routes to embedding params without generation_type (source coercion rule).
    expect(byAlias.embed.inferenceParameters).toMatchObject({ generationType: 'embedding', encodingFormat: 'float', dimensions: 1024 });
    expect(byAlias.local.inferenceParameters).toEqual({ generationType: 'chat-completion', maxParallelRequests: 4 });
    expect(config.tools[0]).toEqual({
      toolAlias: 'search',
      providers: ['docs-search', 'files'],
      maxToolCallTurns: 3,
      timeoutSeconds: 30.5,
    });
  });

  it('a single provider is the default of models that name none; several need `default`', () => {
    const single = parseConfig({
      providers: [{ name: 'only', endpoint: 'https://x.test/v1', provider_type: 'openai' }],
      model_configs: [{ alias: 'a', model: 'm' }],
    });
    expect(single.models[0].provider).toBe('only');
    const several = errorOf(edited((c) => delete c.default && delete c.model_configs[1].provider));
    expect(several.message).toContain(
      'model_configs[1] (alias "diverse").provider: missing; name one of the configured providers ("nvidia", "local-vllm") or set a top-level default',
    );
    const wrong = errorOf(edited((c) => (c.default = 'nvdia')));
    expect(wrong.message).toContain('default: default must name a configured provider');
  });

  it('names an unknown key with its path as written, the key it most likely meant and what is allowed', () => {
    const typo = errorOf(edited((c) => (c.model_configs[0].inference_parameters.temprature = 0.5)));
    expect(typo.message).toContain(
      'model_configs[0] (alias "text").inference_parameters: unknown key "temprature" (did you mean "temperature"? allowed: generation_type, max_parallel_requests, timeout,',
    );
    expect(typo.path).toBe('model_configs[0].inference_parameters');
    // Our spelling inside a source file is a stray key too, with the source spelling suggested.
    const camel = errorOf(edited((c) => (c.providers[0] = { ...c.providers[0], extraBody: {} })));
    expect(camel.message).toContain(
      'providers[0] (name "nvidia"): unknown key "extraBody" (did you mean "extra_body"? allowed: name, endpoint, provider_type, api_key, extra_body, extra_headers)',
    );
    const top = errorOf(edited((c) => (c.model_config = [])));
    expect(top.message).toContain('(root): unknown key "model_config" (did you mean "model_configs"?');
    const tool = errorOf(edited((c) => (c.tool_configs[0].max_turns = 2)));
    expect(tool.message).toContain('tool_configs[0] (tool alias "search"): unknown key "max_turns"');
  });

  it("reports the schema's range errors at the source path, in the source's words", () => {
    const message = errorOf(
      edited((c) => {
        c.model_configs[0].inference_parameters.max_parallel_requests = 0;
        c.model_configs[0].inference_parameters.timeout = 0;
        c.model_configs[0].inference_parameters.top_p = 1.5;
        c.model_configs[1].inference_parameters.temperature.params.high = 3;
        c.providers[0].provider_type = 'litellm';
      }),
    ).message;
    expect(message).toContain(
      'model_configs[0] (alias "text").inference_parameters.max_parallel_requests: max_parallel_requests must be at least 1',
    );
    expect(message).toContain('model_configs[0] (alias "text").inference_parameters.timeout: timeout must be at least 1');
    expect(message).toContain(
      'model_configs[0] (alias "text").inference_parameters.top_p: top_p defined in model config must be between 0.0 and 1.0',
    );
    expect(message).toContain(
      'model_configs[1] (alias "diverse").inference_parameters.temperature: temperature defined in model config must be between 0.0 and 2.0',
    );
    expect(message).toContain('providers[0] (name "nvidia").provider_type: unknown provider type "litellm"');
    expect(message).not.toMatch(/maxParallelRequests|timeoutSeconds|topP|providerType/);
  });

  it('refuses the MCP transports this layer does not speak, naming the fix', () => {
    const sse = errorOf(edited((c) => delete c.mcp_providers[0].provider_type));
    expect(sse.message).toContain(
      'mcp_providers[0] (name "docs-search").provider_type: MCP transport "sse" (the source default for a remote MCP provider) is not supported; set provider_type: streamable_http',
    );
    const unknownServer = errorOf(edited((c) => (c.tool_configs[0].providers = ['docs-search', 'nope'])));
    expect(unknownServer.message).toContain('tool_configs[0] (tool alias "search").providers[1]: unknown MCP server "nope"');
  });

  it('never echoes an api_key value in an error', () => {
    const error = errorOf(edited((c) => (c.providers[0].api_key = ['nvapiPlantedKey0xRz'])));
    expect(error.message).toContain('providers[0] (name "nvidia").api_key');
    expect(error.message).not.toContain('nvapiPlantedKey0xRz');
  });
});

describe('dd-models config check FILE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dd-config-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['src/cli/dd-models.ts', ...args],
        { env: { PATH: process.env.PATH ?? '', NVIDIA_API_KEY: 'nvapiPlantedKey0xRz' }, timeout: 30_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
  }

  it('prints the normalised config of a Data Designer YAML with every secret masked', async () => {
    const result = await cli(['config', 'check', SOURCE_FILE]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('valid, read as the Data Designer (snake_case) shape');
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual(JSON.parse(JSON.stringify(parseConfig(OURS))));
    expect(printed.providers[0].apiKey).toBe('***');
    expect(printed.providers[1].extraHeaders).toEqual({ 'x-api-key': '***', 'x-tenant': 'synth-team' });
    expect(printed.mcpServers[1].env).toEqual({ GITHUB_TOKEN: '***' });
    for (const secret of PLANTED) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('prints our shape the same way', async () => {
    const file = join(dir, 'ours.json');
    await writeFile(file, JSON.stringify(OURS));
    const result = await cli(['config', 'check', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("read as this library's (camelCase) shape");
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(parseConfig(OURS))));
  });

  it('an invalid config is exit 2 naming the path as written; a missing FILE is a usage error', async () => {
    const file = join(dir, 'typo.yaml');
    await writeFile(file, (await readFile(SOURCE_FILE, 'utf8')).replace('max_parallel_requests: 8', 'max_paralel_requests: 8'));
    const bad = await cli(['config', 'check', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'model_configs[0] (alias "text").inference_parameters: unknown key "max_paralel_requests" (did you mean "max_parallel_requests"?',
    );
    expect(bad.stdout).toBe('');
    const usage = await cli(['config', 'check']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: dd-models config check <file>');
  });
});
