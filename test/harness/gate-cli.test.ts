// `npm run gate` as a user runs it (a child process): exit 0/1/2, the verdict naming each failing
// alias and metric, and the --json / --html reports written (issue 13, "the gate").
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.ts';

let dir: string;

function entry(alias: string, engine: string, overrides: Record<string, unknown> = {}) {
  return {
    alias,
    engine,
    providerType: 'openai',
    providerName: 'fake',
    model: 'gpt-4o-mini',
    calls: 400,
    successes: 400,
    failures: {},
    attempts: 400,
    retries: 0,
    rateLimited: 0,
    tokens: { input: 8000, output: 4000, reasoning: 0 },
    latencyMs: { p50: 10, p95: 20, p99: 30 },
    wallMs: 1000,
    ...overrides,
  };
}

async function summary(name: string, entries: unknown[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    JSON.stringify({
      schema: 'dd-run-summary/1',
      startedAt: '2026-12-01T08:00:00.000Z',
      endedAt: '2026-12-01T08:00:01.000Z',
      wallMs: 1000,
      entries,
    }),
  );
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-gate-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run gate', () => {
  it('exit 0 on matching runs, with the table, PASS and both reports written', async () => {
    const baseline = await summary('legacy.json', [entry('writer', 'legacy'), entry('judge', 'legacy')]);
    const candidate = await summary('v2.json', [entry('writer', 'v2'), entry('judge', 'v2')]);
    const json = join(dir, 'out', 'gate.json');
    const html = join(dir, 'out', 'gate.html');
    const result = await runScript('gate', ['--baseline', baseline, '--candidate', candidate, '--json', json, '--html', html]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^writer\s+legacy → v2\s+error rate\s+0%\s+0%/m);
    expect(result.stdout).toContain('PASS: 2 aliases within the thresholds');
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report).toMatchObject({
      schema: 'dd-gate-report/1',
      verdict: 'pass',
      failures: [],
      baseline: { file: baseline, engines: ['legacy'] },
      candidate: { engines: ['v2'] },
    });
    expect(report.rows).toHaveLength(14);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<span class="verdict pass" id="verdict">PASS</span>');
    expect(page).toContain('data-alias="judge" data-metric="p95-latency"');
  });

  it('exit 1 naming every failing alias and metric with baseline, candidate and threshold; the reports say the same', async () => {
    const baseline = await summary('legacy-2.json', [entry('writer', 'legacy'), entry('judge', 'legacy'), entry('gone', 'legacy')]);
    const candidate = await summary('v2-2.json', [
      entry('writer', 'v2', {
        successes: 360,
        failures: { ModelInternalServerError: 40 },
        tokens: { input: 7200, output: 3600, reasoning: 0 },
      }),
      entry('judge', 'v2', { latencyMs: { p50: 10, p95: 40, p99: 50 } }),
    ]);
    const json = join(dir, 'fail.json');
    const html = join(dir, 'fail.html');
    const result = await runScript('gate', ['--baseline', baseline, '--candidate', candidate, '--json', json, '--html', html]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL: 3 failing (alias, metric):');
    expect(result.stdout).toContain('  writer: error rate baseline 0%, candidate 10%, +10pp, threshold 0.5pp');
    expect(result.stdout).toContain('  judge: p95 latency baseline 20 ms, candidate 40 ms, 2x, threshold 1.2x');
    expect(result.stdout).toContain('  gone: present baseline 400 calls, candidate –, –');
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.verdict).toBe('fail');
    expect(report.failures.map((f: { alias: string; metric: string }) => `${f.alias}/${f.metric}`).sort()).toEqual([
      'gone/presence',
      'judge/p95-latency',
      'writer/error-rate',
    ]);
    expect(report.baselineOnly).toEqual(['gone']);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<span class="verdict fail" id="verdict">FAIL</span>');
    expect(page).toMatch(/<li data-alias="writer" data-metric="error-rate">writer: error rate/);
  });

  it('thresholds from the command line change the verdict', async () => {
    const baseline = await summary('legacy-3.json', [entry('writer', 'legacy')]);
    const candidate = await summary('v2-3.json', [entry('writer', 'v2', { latencyMs: { p50: 10, p95: 30, p99: 40 } })]);
    expect((await runScript('gate', ['--baseline', baseline, '--candidate', candidate])).code).toBe(1);
    const loose = await runScript('gate', [
      '--baseline',
      baseline,
      '--candidate',
      candidate,
      '--max-p95-ratio',
      '1.5x',
      '--max-error-rate-delta',
      '1pp',
      '--max-token-delta',
      '10%',
    ]);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toContain('PASS: 1 alias within the thresholds (error rate +1pp, tokens ±10%, p95 1.5x)');
  });

  it.each([
    [['--baseline', 'x.json'], 'gate: --baseline <file> and --candidate <file> are both required\n'],
    [
      ['--baseline', 'a', '--candidate', 'b', '--max-p95-ratio', 'fast'],
      'gate: --max-p95-ratio must be a ratio ≥ 1 such as 1.2 (or 1.2x), got "fast"\n',
    ],
    [
      ['--baseline', 'a', '--candidate', 'b', '--max-error-rate-delta', '0.5%'],
      'gate: --max-error-rate-delta must be percentage points between 0 and 100, such as 0.5pp, got "0.5%"\n',
    ],
    [['--frobnicate'], /^gate: unknown flag --frobnicate \(flags: --baseline, --candidate, /],
  ])('exit 2 with one line for bad usage: %j', async (args, message) => {
    const result = await runScript('gate', args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    if (typeof message === 'string') expect(result.stderr).toBe(message);
    else expect(result.stderr).toMatch(message);
  });

  it('exit 2 when both summaries ran on the same engine (the switch did not take effect), unless --allow-same-engine', async () => {
    const first = await summary('same-1.json', [entry('writer', 'legacy')]);
    const second = await summary('same-2.json', [entry('writer', 'legacy')]);
    const refused = await runScript('gate', ['--baseline', first, '--candidate', second]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^gate: --baseline and --candidate both ran on legacy: the engine switch did not take effect for the candidate \(check DATA_DESIGNER_ASYNC_ENGINE\)/,
    );
    const allowed = await runScript('gate', ['--baseline', first, '--candidate', second, '--allow-same-engine']);
    expect(allowed.code).toBe(0);
  });

  it('exit 2 for a missing or malformed summary, naming the file', async () => {
    const good = await summary('good.json', [entry('writer', 'v2')]);
    const missing = await runScript('gate', ['--baseline', join(dir, 'nope.json'), '--candidate', good]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`gate: --baseline ${join(dir, 'nope.json')}: cannot read it (ENOENT)\n`);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ schema: 'dd-run-summary/1', entries: [{ alias: 'writer', engine: 'v2' }] }));
    const malformed = await runScript('gate', ['--baseline', good, '--candidate', bad]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^gate: .*bad\.json: entries\[0\]\.tokens must be an object\n$/);
  });
});
