// Issue 27: importing the package loads neither zod (with the config schemas) nor the OpenTelemetry
// API; the first validation builds the schemas, and a config error reads exactly as it did when
// they were built at import (the expected text below is what commit b801506 printed).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/load-config.ts';
import { dataDesignerConfigSchema, modelProviderSchema } from '../../src/config/schemas.ts';
import type { ConfigError } from '../../src/core/errors.ts';

const INDEX = new URL('../../src/index.ts', import.meta.url).href;

const BAD_CONFIG = {
  providers: [{ name: 'p', endpoint: 'https://x.test/v1', providerType: 'opneai', apiKey: 'sk-live-0123456789abcdef' }],
  models: [{ alias: 'a', model: 5, provider: 'p', inferenceParameters: { temprature: 0.5, maxTokens: 0 } }],
  admission: { policy: 'aimd', store: { type: 'redis', url: 'redis://localhost:6379' } },
};

// The text as it read with schemas built at import, plus the aliases issue 29 added to list entries.
const EXPECTED_MESSAGE = [
  'Invalid config:',
  '  - models[0] (alias "a").inferenceParameters: unknown key "temprature" (did you mean "temperature"? ' +
    'allowed: generationType, temperature, topP, maxTokens, maxParallelRequests, timeoutSeconds, extraBody)',
  '  - providers[0] (name "p").providerType: unknown provider type "opneai"; valid values are "openai", "anthropic", "bedrock" ' +
    '(vLLM, NIM, TGI, OpenRouter and other OpenAI-compatible servers use "openai")',
  '  - models[0] (alias "a").model: Invalid input: expected string, received number',
  '  - models[0] (alias "a").inferenceParameters.maxTokens: maxTokens must be at least 1',
  '  - admission.store: admission.store "redis" shares the capacity policy\'s state; ' +
    'policy "aimd" keeps its own in-process (set policy: capacity, or store: { type: "local" }).',
].join('\n');

// Packages that importing the package must not load (each costs tens of milliseconds or more).
const HEAVY = [
  'zod',
  '@opentelemetry/api',
  'undici',
  'yaml',
  'openai',
  '@anthropic-ai/sdk',
  '@aws-sdk',
  '@smithy',
  '@modelcontextprotocol',
];

// A fresh process: which packages the import loaded, then createModelRegistry on the bad config.
const CHILD = `
import { registerHooks } from 'node:module';
const packages = new Set();
registerHooks({
  load(url, context, next) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
    if (match) packages.add(match[1]);
    return next(url, context);
  },
});
const { createModelRegistry, ConfigError } = await import(${JSON.stringify(INDEX)});
const atImport = [...packages];
let error;
try {
  createModelRegistry(${JSON.stringify(BAD_CONFIG)}, { env: {}, logger: { debug() {}, info() {}, warn() {} } });
} catch (caught) {
  error = { configError: caught instanceof ConfigError, message: caught.message, path: caught.path, solution: caught.solution };
}
process.stdout.write(JSON.stringify({ atImport, afterValidation: [...packages], error }));
`;

interface ChildReport {
  atImport: string[];
  afterValidation: string[];
  error?: { configError: boolean; message: string; path?: string; solution?: string };
}

async function runChild(): Promise<ChildReport> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout) as ChildReport;
}

describe('config schemas built on first use (issue 27)', () => {
  it('importing the package loads no zod, no OpenTelemetry API, no HTTP client and no SDK; validating loads zod', async () => {
    const report = await runChild();
    expect(report.atImport.filter((name) => HEAVY.some((heavy) => name === heavy || name.startsWith(`${heavy}/`)))).toEqual([]);
    expect(report.afterValidation).toContain('zod');
  }, 30_000);

  it('createModelRegistry in a fresh process throws the ConfigError word for word as with schemas built at import', async () => {
    const { error } = await runChild();
    expect(error).toEqual({
      configError: true,
      message: EXPECTED_MESSAGE,
      path: 'models[0].inferenceParameters',
      solution: 'Fix the configuration value named above and try again.',
    });
  }, 30_000);

  it('parseConfig in this process gives the same error', () => {
    let caught: ConfigError | undefined;
    try {
      parseConfig(BAD_CONFIG);
    } catch (error) {
      caught = error as ConfigError;
    }
    expect(caught?.message).toBe(EXPECTED_MESSAGE);
  });

  it('an exported schema is a zod schema of the zod a host imports: instanceof, composition, issues', () => {
    expect(modelProviderSchema).toBeInstanceOf(z.ZodType);
    const list = z.array(modelProviderSchema).min(1);
    expect(list.parse([{ name: 'p', endpoint: 'https://x.test/v1/', providerType: 'Bedrock' }])).toMatchObject([
      { name: 'p', endpoint: 'https://x.test/v1', providerType: 'bedrock' },
    ]);
    const bad = list.safeParse([{ name: '', endpoint: 'https://x.test' }]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['0.name', 'provider name must not be empty'],
    ]);
    expect(Object.keys(dataDesignerConfigSchema.shape)).toEqual(['providers', 'models', 'tools', 'mcpServers', 'admission']);
  });
});
