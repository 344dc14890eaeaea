// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// `npm run compare` as users run it: a child process, judged by exit code, output and reports.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReportShape } from './support/report-shape.ts';
import { runScript } from './support/run-script.ts';

const HARNESS_FIXTURES = 'test/harness/recorded';
const PLANT_HOOK = 'test/harness/support/plant-difference.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-compare-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('compare CLI', () => {
  it('runs the bundled fixtures through both engines: exit 0, 100% parity, JSON and HTML written', async () => {
    const json = join(dir, 'bundled.json');
    const html = join(dir, 'bundled.html');
    const result = await runScript('compare', ['--json', json, '--html', html], { timeoutMs: 120_000 });
    const report = await readJson(json);
    expectReportShape(report);
    expect(report.summary.total).toBeGreaterThan(0);
    expect(report.summary.parity).toBe(report.summary.total);
    const failing = report.cases.filter((c: any) => !c.parity || c.matches === false).map((c: any) => c.name);
    expect(failing).toEqual([]);
    expect(result.stdout).toMatch(/^PASS: \d+ cases, (\d+) in parity \(100%\)/m);
    expect(result.code).toBe(0);
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>/);
  }, 180_000);

  it('passes on the harness recordings, with the documented JSON shape and cases named by fixture', async () => {
    const json = join(dir, 'harness.json');
    const result = await runScript('compare', ['--fixtures', HARNESS_FIXTURES, '--json', json]);
    expect(result.code).toBe(0);
    const report = await readJson(json);
    expectReportShape(report);
    expect(report.summary).toEqual({ total: 10, parity: 10, matches: 10, parityAlone: 0, mismatched: 0 });
    const retried = report.cases.find((c: any) => c.name === 'anthropic/anthropic-hello-after-429');
    expect(retried.legacy.attempts).toBe(2);
    expect(retried.v2.attempts).toBe(2);
    expect(retried.legacy.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: { model: 'claude-sonnet-4-5' } });
    // The table lists every case; the summary line closes the output.
    for (const c of report.cases) expect(result.stdout).toContain(c.name);
    expect(result.stdout.trim().split('\n').at(-2)).toBe(
      'PASS: 10 cases, 10 in parity (100%): 10 also match, 0 passed on parity alone (nothing to match); 0 mismatched',
    );
    // No progress bar when stdout is not a terminal.
    expect(result.stderr).toBe('');
  });

  it('catches a translation difference planted in one engine: exit 1, naming the case and the JSON path', async () => {
    const json = join(dir, 'planted.json');
    const result = await runScript('compare', ['--fixtures', HARNESS_FIXTURES, '--filter', 'openai-hello', '--json', json], {
      env: { DD_COMPARE_TEST_HOOK: PLANT_HOOK },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('openai/openai-hello');
    expect(result.stdout).toContain('$.requests[0].body.max_tokens');
    expect(result.stdout).toMatch(/^FAIL: 1 case, 0 in parity/m);
    const report = await readJson(json);
    expectReportShape(report);
    expect(report.summary).toMatchObject({ total: 1, parity: 0, mismatched: 1 });
    const [c] = report.cases;
    expect(c.name).toBe('openai/openai-hello');
    expect(c.parity).toBe(false);
    expect(c.diffs).toContainEqual({ path: '$.requests[0].body.max_tokens', legacy: 64, v2: 65 });
    // v2 also no longer sends the recorded body, so it fails the match on its own.
    expect(c.matches).toBe(false);
  });

  it('with a planted difference no sentence claims a match for a case out of parity', async () => {
    const json = join(dir, 'planted-all.json');
    const result = await runScript('compare', ['--fixtures', HARNESS_FIXTURES, '--filter', 'openai', '--json', json], {
      env: { DD_COMPARE_TEST_HOOK: PLANT_HOOK },
    });
    expect(result.code).toBe(1);
    const report = await readJson(json);
    expectReportShape(report);
    // The three chat cases break parity; only the embedding case is in parity and matches.
    expect(report.summary).toEqual({ total: 4, parity: 1, matches: 1, parityAlone: 0, mismatched: 3 });
    for (const c of report.cases.filter((c: any) => !c.parity)) expect(c.matches).toBe(false);
    expect(result.stdout).toContain(
      'FAIL: 4 cases, 1 in parity (25%): 1 also matches, 0 passed on parity alone (nothing to match); 3 mismatched',
    );
  });

  it('a raw-traffic run (nothing to match) says so: parity alone, never "matches"', async () => {
    const raw = join(dir, 'raw-traffic');
    await mkdir(raw, { recursive: true });
    for (const file of await readdir(join(HARNESS_FIXTURES, 'anthropic'))) {
      const fixture = await readJson(join(HARNESS_FIXTURES, 'anthropic', file));
      delete fixture.expect;
      for (const exchange of fixture.exchanges) delete exchange.request.body;
      await writeFile(join(raw, file), JSON.stringify(fixture));
    }
    const json = join(dir, 'raw.json');
    const html = join(dir, 'raw.html');
    const result = await runScript('compare', ['--fixtures', raw, '--json', json, '--html', html]);
    expect(result.code).toBe(0);
    const report = await readJson(json);
    expectReportShape(report);
    expect(report.summary).toEqual({ total: 2, parity: 2, matches: 0, parityAlone: 2, mismatched: 0 });
    expect(result.stdout).toContain(
      'PASS: 2 cases, 2 in parity (100%): 0 also match, 2 passed on parity alone (nothing to match); 0 mismatched',
    );
    const page = await readFile(html, 'utf8');
    expect(page).not.toContain('every case is in parity and matches');
    expect(page).toContain('No mismatches: every case is in parity; none had anything to match, so all 2 were judged on parity alone.');
  });

  it('the JSON is a record worth archiving: when, commit, fixture dirs, Node and SDK versions', async () => {
    const json = join(dir, 'meta.json');
    const before = Date.now();
    const result = await runScript('compare', ['--fixtures', HARNESS_FIXTURES, '--filter', 'bedrock', '--json', json]);
    expect(result.code).toBe(0);
    const { meta } = await readJson(json);
    expect(Date.parse(meta.generatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(meta.commit).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim());
    expect(meta).toMatchObject({ mode: 'fixtures', fixtures: [HARNESS_FIXTURES], filter: 'bedrock', versions: { node: process.version } });
    expect(meta).not.toHaveProperty('live');
    const installed = JSON.parse(await readFile('node_modules/openai/package.json', 'utf8')).version;
    expect(meta.versions.packages.openai).toBe(installed);
    for (const name of ['@anthropic-ai/sdk', '@aws-sdk/client-bedrock-runtime', 'undici'])
      expect(meta.versions.packages[name]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('compare --live against a dead endpoint fails fast: exit 1, one line naming alias, endpoint and cause', async () => {
    // A port that was just free: nothing listens there, connections are refused.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    await new Promise((done) => server.close(done));
    const config = join(dir, 'dead.yaml');
    await writeFile(
      config,
      `providers:\n  - name: dead\n    endpoint: http://127.0.0.1:${port}/v1\n    apiKey: K\nmodels:\n  - alias: chat-openai\n    model: gpt-4.1-mini\n    provider: dead\n`,
    );
    const workload = join(dir, 'dead-workload.yaml');
    await writeFile(workload, '- name: hello\n  alias: chat-openai\n- name: again\n  alias: chat-openai\n');
    const json = join(dir, 'dead.json');
    const started = Date.now();
    const result = await runScript('compare', ['--live', '--config', config, '--workload', workload, '--json', json]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `compare: alias "chat-openai": endpoint http://127.0.0.1:${port}/v1 is unreachable (connect ECONNREFUSED 127.0.0.1:${port}); nothing was compared against it\n`,
    );
    expect(result.stdout).toBe('');
    // No report that could be read as "in parity".
    await expect(readFile(json, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('reports a malformed fixture as exit 2 with one line naming the file and the field', async () => {
    const bad = join(dir, 'malformed');
    await mkdir(bad, { recursive: true });
    const file = join(bad, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'x/broken',
        provider: 'azure',
        operation: 'chat',
        model: 'm',
        exchanges: [{ request: { path: '/v1/chat/completions' }, response: { status: 200 } }],
      }),
    );
    const result = await runScript('compare', ['--fixtures', bad]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('broken.json');
    expect(lines[0]).toContain('provider');
    expect(lines[0]).not.toMatch(/\bat .*:\d+:\d+/); // no stack trace
    expect(result.stdout).toBe('');
  });

  it('reports every malformed fixture of a directory, one line each, not just the first', async () => {
    const bad = join(dir, 'several-malformed');
    await mkdir(bad, { recursive: true });
    await writeFile(
      join(bad, 'a-no-model.json'),
      JSON.stringify({
        name: 'x/a',
        provider: 'openai',
        operation: 'chat',
        exchanges: [{ request: { path: '/v1/chat/completions' }, response: { status: 200 } }],
      }),
    );
    await writeFile(join(bad, 'b-not-json.json'), '{"name": ');
    await writeFile(
      join(bad, 'c-fine.json'),
      JSON.stringify({
        name: 'x/c',
        provider: 'openai',
        operation: 'chat',
        model: 'm',
        exchanges: [{ request: { path: '/v1/chat/completions' }, response: { status: 200, body: {} } }],
      }),
    );
    const result = await runScript('compare', ['--fixtures', bad]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/a-no-model\.json: model: /);
    expect(lines[1]).toMatch(/b-not-json\.json: not valid JSON/);
    expect(result.stdout).toBe('');
  });

  it('a --json path it cannot write is exit 2 before any case runs, not a stack trace after all of them', async () => {
    const result = await runScript('compare', ['--filter', 'openai/tool-call-single', '--json', dir]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`--json ${dir}`);
    expect(result.stdout).toBe('');
  });

  it('a config with several problems is one readable line listing each', async () => {
    const config = join(dir, 'two-problems.yaml');
    await writeFile(
      config,
      'providers:\n  - name: p\n    endpoint: http://127.0.0.1:1\n    providerTyp: openai\n    apiKey: K\nmodels:\n  - alias: a\n    model: m\n    provider: q\n',
    );
    const result = await runScript('compare', ['--live', '--config', config, '--workload', 'test/harness/workloads/fake-provider.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `compare: Invalid config file ${config}: providers[0] (name "p"): unknown key "providerTyp" (did you mean "providerType"? allowed: name, endpoint, providerType, apiKey, region, extraBody, extraHeaders, maxResponseBytes, dialect); models[0] (alias "a").provider: unknown provider "q"; configured providers: "p".
`,
    );
  });

  it('rejects bad usage with exit 2 and one line', async () => {
    for (const args of [
      ['--bogus'],
      ['--live'],
      ['--fixtures', 'test/harness/recorded', '--filter', 'no-such-case'],
      ['--fixtures', join(dir, 'missing')],
    ]) {
      const result = await runScript('compare', args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
