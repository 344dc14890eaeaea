// One engine vocabulary (issue 29 item 4): DATA_DESIGNER_ASYNC_ENGINE, every --engine flag and the
// library's engine option understand the same values ("v2", "legacy", 1/true, 0/false, a provider
// list), and refuse anything else with the same message, naming where the value came from.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { ENGINE_ENV_VAR, ENGINE_SWITCH_VALUES } from '../../src/engine.ts';
import { createModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { runDdModels, runScript } from './support/run-script.ts';

/** The one message, whatever the entry point. */
const refusal = (source: string, value: string) =>
  `${source}=${JSON.stringify(value)} is not understood (unknown part: "${value}"): use ${ENGINE_SWITCH_VALUES}`;

/** dd-models with the engine variable set as given (unset: "", legacy), never inherited from the caller. */
const ddModels = (args: string[], env: Record<string, string> = {}) => runDdModels(args, { env: { [ENGINE_ENV_VAR]: '', ...env } });

let fake: FakeProvider;
let dir: string;
let config: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  dir = await mkdtemp(join(tmpdir(), 'dd-engine-vocabulary-'));
  config = join(dir, 'models.json');
  const provider = { name: 'fake-openai', endpoint: fake.endpoints.openai, providerType: 'openai', apiKey: 'any-key' };
  await writeFile(
    config,
    JSON.stringify({ providers: [provider], models: [{ alias: 'text', model: 'gpt-4.1-mini', provider: provider.name }] }),
  );
  await writeFile(join(dir, 'workload.yaml'), '- { name: hello, alias: text }\n');
});

afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const MINIMAL = {
  providers: [{ name: 'p', endpoint: 'http://127.0.0.1:9/v1', providerType: 'openai' as const }],
  models: [{ alias: 'text', model: 'gpt', provider: 'p' }],
};

describe('the library', () => {
  it('refuses DATA_DESIGNER_ASYNC_ENGINE=v3 and a bad engine option string with the one message', () => {
    const config = MINIMAL;
    const env = { [ENGINE_ENV_VAR]: 'v3' };
    expect(() => createModelRegistry(config, { env, logger: silentLogger })).toThrow(ConfigError);
    expect(() => createModelRegistry(config, { env, logger: silentLogger })).toThrow(`${refusal(ENGINE_ENV_VAR, 'v3')}.`);
    expect(() => createModelRegistry(config, { env: {}, engine: 'v3' as 'v2', logger: silentLogger })).toThrow(
      refusal('engine option', 'v3'),
    );
  });

  it.each([
    ['v2', 'v2'],
    ['legacy', 'legacy'],
  ])('understands DATA_DESIGNER_ASYNC_ENGINE=%s, the name --engine takes', (value, engine) => {
    const registry = createModelRegistry(MINIMAL, { env: { [ENGINE_ENV_VAR]: value }, logger: silentLogger });
    expect(registry.engines).toEqual({ openai: engine, anthropic: engine, bedrock: engine });
  });
});

describe('dd-models', () => {
  it('refuses --engine v3 with the one message (exit 2, a pointer to --help)', async () => {
    const result = await ddModels(['generate', '--config', config, '--model', 'text', '--engine', 'v3', 'Hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`dd-models: ${refusal('--engine', 'v3')}.\nRun 'dd-models --help' for usage.\n`);
  });

  it('refuses DATA_DESIGNER_ASYNC_ENGINE=v3 with the one message and the fix (exit 2)', async () => {
    const result = await ddModels(['generate', '--config', config, '--model', 'text', 'Hi'], { [ENGINE_ENV_VAR]: 'v3' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`dd-models: ConfigError: ${refusal(ENGINE_ENV_VAR, 'v3')}`);
    expect(result.stderr).toContain(`solution: Give ${ENGINE_ENV_VAR} one of the values above`);
  });

  it.each([
    [{ [ENGINE_ENV_VAR]: 'v2' }, [], 'v2'],
    [{}, ['--engine', 'openai'], 'v2'],
    [{ [ENGINE_ENV_VAR]: 'v2' }, ['--engine', 'legacy'], 'legacy'],
  ])('understands %j %j: the call runs on %s', async (env, flags, engine) => {
    const result = await ddModels(['generate', '--config', config, '--model', 'text', ...flags, 'Hi'], env);
    expect(result.stderr).not.toContain('not understood');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`engine: ${engine} (provider 'fake-openai', openai)`);
  });
});

describe('npm run staging-job', () => {
  it('refuses --engine v3 and DATA_DESIGNER_ASYNC_ENGINE=v3 with the one message (exit 2)', async () => {
    const summary = join(dir, 'refused.json');
    const flag = await runScript('staging-job', ['--config', config, '--summary-json', summary, '--engine', 'v3']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(`staging-job: ${refusal('--engine', 'v3')}.\n`);
    const env = await runScript('staging-job', ['--config', config, '--summary-json', summary, '--calls', '1'], {
      env: { [ENGINE_ENV_VAR]: 'v3' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe(`staging-job: ${refusal(ENGINE_ENV_VAR, 'v3')}.\n`);
  });

  it('understands DATA_DESIGNER_ASYNC_ENGINE=v2 and --engine openai', async () => {
    const summary = join(dir, 'accepted.json');
    const env = await runScript('staging-job', ['--config', config, '--summary-json', summary, '--calls', '2', '--warmup', '0'], {
      env: { [ENGINE_ENV_VAR]: 'v2' },
    });
    expect(env.stderr).toBe('');
    expect(env.stdout).toContain('staging-job: openai=v2, anthropic=v2, bedrock=v2;');
    const flag = await runScript('staging-job', ['--config', config, '--summary-json', summary, '--calls', '2', '--engine', 'openai']);
    expect(flag.stdout).toContain('staging-job: openai=v2, anthropic=legacy, bedrock=legacy;');
  });
});

describe('npm run record', () => {
  it('refuses --engine v3 with the one message (exit 2), before any request', async () => {
    const before = fake.stats().requests;
    const workload = join(dir, 'workload.yaml');
    const result = await runScript('record', ['--config', config, '--workload', workload, '--out', join(dir, 'out'), '--engine', 'v3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`record: ${refusal('--engine', 'v3')}.\n`);
    expect(fake.stats().requests).toBe(before);
  });

  it.runIf(ENGINES.includes('legacy'))('understands --engine legacy and --engine openai', async () => {
    const workload = join(dir, 'workload.yaml');
    for (const engine of ['legacy', 'openai']) {
      const out = join(dir, `out-${engine}`);
      const result = await runScript('record', ['--config', config, '--workload', workload, '--out', out, '--engine', engine]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await readdir(join(out, 'openai'))).toEqual(['hello.json']);
    }
  });
});
