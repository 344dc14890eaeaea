// Issue 25 item 13: an apiKey naming an environment variable that is not set. `dd-models config
// check` reports it as a problem (exit 2) instead of calling the config valid; staging-job, record
// and compare --live refuse to start (exit 2, one line naming provider, aliases and variable)
// before any request reaches the provider — they used to send the variable's name as the key.
// The provider is the repo's fake provider on a real loopback socket; the CLIs are child processes.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { PLANTED_SECRETS, writeFakeProviderConfig } from './support/fake-provider-config.ts';
import { REPO_ROOT, runScript } from './support/run-script.ts';

const WORKLOAD = 'test/harness/workloads/fake-provider.yaml';
// The provider keys of fakeProviderConfig are the references FAKE_OPENAI_KEY and FAKE_ANTHROPIC_KEY.
const NO_KEYS = { FAKE_OPENAI_KEY: undefined, FAKE_ANTHROPIC_KEY: undefined };
const OPENAI_UNSET =
  "provider 'fake-openai' (aliases 'chat-openai', 'embed-openai'): " +
  'apiKey names the environment variable FAKE_OPENAI_KEY, which is not set, ' +
  'so the text "FAKE_OPENAI_KEY" would be sent as the key; export FAKE_OPENAI_KEY (or put the key itself in the config)';

let dir: string;
let fake: FakeProvider;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-unset-key-'));
  fake = await startFakeProvider();
  config = await writeFakeProviderConfig(dir, fake.url);
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.reset();
});

function configCheck(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const options = { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 };
    execFile(process.execPath, ['src/cli/dd-models.ts', 'config', 'check', config], options, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('dd-models config check', () => {
  it('reports each provider whose apiKey names an unset variable, exit 2, never "valid"', async () => {
    const result = await configCheck({ AWS_REGION: 'us-east-1' });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`${config}: read as this library's (camelCase) shape, but not usable as it is: 2 problems`);
    expect(lines.slice(1)).toEqual([
      `  - ${OPENAI_UNSET}`,
      "  - provider 'fake-anthropic' (alias 'chat-anthropic'): " +
        'apiKey names the environment variable FAKE_ANTHROPIC_KEY, which is not set, ' +
        'so the text "FAKE_ANTHROPIC_KEY" would be sent as the key; export FAKE_ANTHROPIC_KEY (or put the key itself in the config)',
    ]);
    expect(result.stderr).not.toContain('valid');
  });

  it('the same config with both variables set is valid and prints no key', async () => {
    const { FAKE_OPENAI_KEY, FAKE_ANTHROPIC_KEY } = PLANTED_SECRETS;
    const result = await configCheck({ FAKE_OPENAI_KEY, FAKE_ANTHROPIC_KEY });
    expect(result.stderr).toBe(`${config}: valid, read as this library's (camelCase) shape; normalised:\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(PLANTED_SECRETS.FAKE_OPENAI_KEY);
  });
});

describe('the CLIs that make real calls refuse before the first request', () => {
  it('staging-job', async () => {
    const openaiOnly = join(dir, 'openai-only.json');
    await writeFile(
      openaiOnly,
      JSON.stringify({
        providers: [{ name: 'fake-openai', endpoint: `${fake.url}/v1`, providerType: 'openai', apiKey: 'FAKE_OPENAI_KEY' }],
        models: [
          { alias: 'chat-openai', model: 'gpt-4.1-mini', provider: 'fake-openai' },
          {
            alias: 'embed-openai',
            model: 'text-embedding-3-small',
            provider: 'fake-openai',
            inferenceParameters: { generationType: 'embedding' },
          },
        ],
      }),
    );
    const summary = join(dir, 'summary.json');
    const args = ['--config', openaiOnly, '--summary-json', summary, '--calls', '3', '--warmup', '0'];
    const result = await runScript('staging-job', args, { env: NO_KEYS });
    expect(result.stderr).toBe(`staging-job: ${OPENAI_UNSET}\n`);
    expect(result.code).toBe(2);
    expect(fake.stats().requests).toBe(0);
  });

  it('record (only the providers the workload calls are checked)', async () => {
    const out = join(dir, 'recorded');
    const args = ['--config', config, '--workload', WORKLOAD, '--out', out, '--filter', 'openai-hello'];
    const refused = await runScript('record', args, { env: NO_KEYS });
    expect(refused.stderr).toBe(`record: ${OPENAI_UNSET}\n`);
    expect(refused.code).toBe(2);
    expect(fake.stats().requests).toBe(0);
    expect(await readdir(out).catch(() => [])).toEqual([]);

    // The Anthropic variable is unset too, but no call of this filtered workload goes there.
    const allowed = await runScript('record', args, {
      env: { ...NO_KEYS, FAKE_OPENAI_KEY: PLANTED_SECRETS.FAKE_OPENAI_KEY },
    });
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(fake.stats().requests).toBe(1);
  });

  it('compare --live', async () => {
    const args = ['--live', '--config', config, '--workload', WORKLOAD, '--filter', 'openai-hello'];
    const result = await runScript('compare', args, { env: NO_KEYS });
    expect(result.stderr).toBe(`compare: ${OPENAI_UNSET}\n`);
    expect(result.code).toBe(2);
    expect(fake.stats().requests).toBe(0);
  });
});
