// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Record → replay: a workload recorded against the fake provider (standing in for the real
// endpoints) through the loopback recording proxy must replay through both engines at 100%
// parity, and no planted credential may reach a recorded file. Also `compare --live` against it.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { PLANTED_SECRETS, ROUND_TRIP_FAULTS, writeFakeProviderConfig } from './support/fake-provider-config.ts';
import { expectReportShape } from './support/report-shape.ts';
import { runScript } from './support/run-script.ts';

const WORKLOAD = 'test/harness/workloads/fake-provider.yaml';

let dir: string;
let fake: FakeProvider;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-record-'));
  // The fake checks SigV4 signatures against the planted credentials, host included: a request
  // the engine signed for the proxy only gets through if the proxy re-signs it for the fake.
  fake = await startFakeProvider({
    script: ROUND_TRIP_FAULTS,
    awsCredentials: {
      accessKeyId: PLANTED_SECRETS.AWS_ACCESS_KEY_ID,
      secretAccessKey: PLANTED_SECRETS.AWS_SECRET_ACCESS_KEY,
      sessionToken: PLANTED_SECRETS.AWS_SESSION_TOKEN,
    },
  });
  config = await writeFakeProviderConfig(dir, fake.url);
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('record → replay round trip', () => {
  it('records every call, replays at 100% parity, and leaks no planted secret', async () => {
    const out = join(dir, 'recorded');
    const recorded = await runScript('record', ['--config', config, '--workload', WORKLOAD, '--out', out], { env: PLANTED_SECRETS });
    expect(recorded.stderr).toBe('');
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain('recorded 10/10 calls');
    // Every call succeeded upstream (a rejected signature would be recorded too, as a 403).
    expect(recorded.stdout.match(/ exchanges?, ok\)$/gm)).toHaveLength(10);

    const files = await filesUnder(out);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'anthropic/anthropic-hello-after-429.json',
      'anthropic/anthropic-tool-roundtrip.json',
      'bedrock/bedrock-cohere.json',
      'bedrock/bedrock-hello.json',
      'bedrock/bedrock-titan.json',
      'bedrock/bedrock-tool-required.json',
      'openai/openai-embed.json',
      'openai/openai-hello.json',
      'openai/openai-json.json',
      'openai/openai-tool-required.json',
    ]);

    // Every file is a §10 fixture with the real endpoint, the canonical call and its exchanges.
    const retried = JSON.parse(await readFile(join(out, 'anthropic/anthropic-hello-after-429.json'), 'utf8'));
    expect(retried).toMatchObject({
      name: 'anthropic/anthropic-hello-after-429',
      provider: 'anthropic',
      operation: 'chat',
      model: 'claude-sonnet-4-5',
      baseUrl: fake.url,
      source: expect.stringMatching(/^recorded by npm run record on \d{4}-\d{2}-\d{2}$/),
      request: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi there' },
        ],
      },
    });
    expect(retried.exchanges.map((e: any) => e.response.status)).toEqual([429, 200]);
    const chat = JSON.parse(await readFile(join(out, 'openai/openai-hello.json'), 'utf8'));
    // Config parameters are baked into the canonical call so the fixture replays without the config.
    expect(chat.request).toEqual({ temperature: 0.5, max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] });
    expect(chat.exchanges[0].request).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt-4.1-mini', temperature: 0.5 },
    });

    // No credential header, no AWS signature header, no planted value anywhere.
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const [name, value] of Object.entries(PLANTED_SECRETS)) expect(text, `${name} in ${file}`).not.toContain(value);
      expect(text).not.toMatch(/"(authorization|x-api-key|cookie|set-cookie|x-amz-[a-z-]+)"\s*:/i);
      expect(text).not.toMatch(/AWS4-HMAC-SHA256|Bearer /);
    }

    const json = join(dir, 'replay.json');
    const replay = await runScript('compare', ['--fixtures', out, '--json', json]);
    expect(replay.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expectReportShape(report);
    expect(report.summary).toEqual({ total: 10, parity: 10, matches: 10, parityAlone: 0, mismatched: 0 });
  }, 60_000);

  it('reaches Bedrock with SigV4 when the provider has no apiKey (the proxy re-signs for the real host)', async () => {
    const before = fake.stats().byProvider.bedrock;
    const out = join(dir, 'sigv4');
    const result = await runScript('record', ['--config', config, '--workload', WORKLOAD, '--out', out, '--filter', 'bedrock-hello'], {
      env: PLANTED_SECRETS,
    });
    expect(result.code).toBe(0);
    // A missing or wrong signature (one made for the proxy's host) would be a 401/403 here.
    const fixture = JSON.parse(await readFile(join(out, 'bedrock/bedrock-hello.json'), 'utf8'));
    expect(fixture.exchanges.map((e: any) => e.response.status)).toEqual([200]);
    expect(fake.stats().byProvider.bedrock).toBe(before + 1);
  });

  it('rejects a workload naming an unknown alias with exit 2 and one line', async () => {
    const workload = join(dir, 'bad-workload.json');
    await writeFile(workload, JSON.stringify([{ alias: 'no-such-model' }]));
    const result = await runScript('record', ['--config', config, '--workload', workload, '--out', join(dir, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('[0].alias: unknown model alias "no-such-model"')]);
  });
});

describe('compare --live', () => {
  it('runs the workload through both engines against the endpoints and compares structure', async () => {
    const json = join(dir, 'live.json');
    const html = join(dir, 'live.html');
    const result = await runScript('compare', ['--live', '--config', config, '--workload', WORKLOAD, '--json', json, '--html', html], {
      env: PLANTED_SECRETS,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expectReportShape(report);
    expect(report.meta).toMatchObject({ mode: 'live', live: { config, workload: WORKLOAD } });
    expect(report.meta.live.providers.map((p: any) => p.name)).toEqual(['fake-openai', 'fake-anthropic', 'fake-bedrock']);
    // The live page describes a live run, not a replay of recorded traffic.
    const page = await readFile(html, 'utf8');
    expect(page).toContain('sent the same workload calls to the live endpoints');
    expect(page).not.toMatch(/replayed|recorded traffic/);
    for (const value of Object.values(PLANTED_SECRETS)) expect(page).not.toContain(value);
    expect(report.summary).toEqual({ total: 10, parity: 10, matches: 10, parityAlone: 0, mismatched: 0 });
    const tool = report.cases.find((c: any) => c.name === 'openai-tool-required');
    expect(tool.legacy.response.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
    expect(tool.v2.requests).toHaveLength(1);
    const text = await readFile(json, 'utf8');
    for (const value of Object.values(PLANTED_SECRETS)) expect(text).not.toContain(value);
  }, 60_000);

  it('fails a live case when one engine answers differently in structure', async () => {
    const json = join(dir, 'live-planted.json');
    const result = await runScript(
      'compare',
      ['--live', '--config', config, '--workload', WORKLOAD, '--filter', 'openai-json', '--json', json],
      {
        env: { ...PLANTED_SECRETS, DD_COMPARE_TEST_HOOK: 'test/harness/support/plant-missing-usage.ts' },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('openai-json');
    expect(result.stdout).toContain('$.usagePresent');
    const [c] = JSON.parse(await readFile(json, 'utf8')).cases;
    expect(c.diffs).toEqual([{ path: '$.usagePresent', legacy: true, v2: false }]);
    expect(c.v2.mismatches).toEqual([{ path: '$.usage', expected: 'present', actual: 'absent' }]);
  });
});
