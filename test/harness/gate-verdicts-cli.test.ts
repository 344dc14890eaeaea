// `npm run gate` as a user runs it, on summaries that used to make it lie (issue 25, items 4, 8
// and 11): exit 2 with one line for calls that do not add up or for nothing to judge, the engine
// of each alias in the table and gate.json, and names that cannot drive the terminal.
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
  const at = { startedAt: '2026-12-01T08:00:00.000Z', endedAt: '2026-12-01T08:00:01.000Z', wallMs: 1000 };
  await writeFile(file, JSON.stringify({ schema: 'dd-run-summary/1', ...at, entries }));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-gate-verdicts-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run gate refuses what it cannot judge', () => {
  it('exit 2 and one line when successes + failures ≠ calls (0 of 1,000 succeeded, none failed)', async () => {
    const baseline = await summary('b-4.json', [entry('writer', 'legacy', { calls: 1000, successes: 1000, attempts: 1000 })]);
    const candidate = await summary('c-4.json', [entry('writer', 'v2', { calls: 1000, successes: 0, attempts: 1000 })]);
    const json = join(dir, 'never.json');
    const result = await runScript('gate', ['--baseline', baseline, '--candidate', candidate, '--json', json]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `gate: ${candidate}: entries[0] (alias "writer") does not add up: successes 0 + failures 0 ≠ calls 1000` +
        ' — a summary whose calls are not all accounted for cannot be judged (write it with dd-models … --summary-json)\n',
    );
    await expect(readFile(json)).rejects.toThrow(/ENOENT/);
  });

  it('a candidate mostly left on legacy: the table and gate.json show each engine, only the switched alias is judged', async () => {
    const legacyRest = [entry('chat-anthropic', 'legacy'), entry('chat-bedrock', 'legacy')];
    const baseline = await summary('b-11.json', [entry('chat-openai', 'legacy'), ...legacyRest]);
    const candidate = await summary('c-11.json', [entry('chat-openai', 'v2'), ...legacyRest]);
    const json = join(dir, 'gate-11.json');
    const result = await runScript('gate', ['--baseline', baseline, '--candidate', candidate, '--json', json]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^chat-anthropic\s+legacy → legacy\s+engine(\s+–){4}\s+not judged\s+same engine: not judged/m);
    expect(result.stdout).toMatch(/^chat-openai\s+legacy → v2\s+calls/m);
    expect(result.stdout).toContain('PASS: 1 alias within the thresholds');
    expect(result.stdout).not.toContain('PASS: 3 aliases');
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.aliases).toEqual([
      expect.objectContaining({ alias: 'chat-anthropic', baselineEngine: 'legacy', candidateEngine: 'legacy', judged: false }),
      expect.objectContaining({ alias: 'chat-bedrock', baselineEngine: 'legacy', candidateEngine: 'legacy', judged: false }),
      { alias: 'chat-openai', baselineEngine: 'legacy', candidateEngine: 'v2', judged: true },
    ]);
    expect(report.rows.find((r: { alias: string }) => r.alias === 'chat-openai').engines).toEqual({ baseline: 'legacy', candidate: 'v2' });
  });

  it('exit 2 and one line when no alias is judged: every shared alias ran the same engine, only an extra alias ran v2', async () => {
    const baseline = await summary('b-11b.json', [entry('chat-anthropic', 'legacy')]);
    const candidate = await summary('c-11b.json', [entry('chat-anthropic', 'legacy'), entry('chat-openai', 'v2')]);
    const result = await runScript('gate', ['--baseline', baseline, '--candidate', candidate]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gate: nothing to judge: every alias the two runs share ran the same engine on both sides/);
    expect(result.stderr).toContain('(chat-anthropic: legacy);');
    expect(result.stderr.split('\n')).toHaveLength(2);
    const allowed = await runScript('gate', ['--baseline', baseline, '--candidate', candidate, '--allow-same-engine']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('PASS: 1 alias within the thresholds');
  });

  it('an alias with ANSI/OSC escapes reaches the terminal escaped, on stdout and stderr', async () => {
    const evil = 'x\u001b]0;owned\u0007\u001b[31m\u009b2J';
    const baseline = await summary('b-8.json', [entry(evil, 'legacy'), entry('gone\u001b[1A', 'legacy')]);
    const candidate = await summary('c-8.json', [entry(evil, 'v2')]);
    const result = await runScript('gate', ['--baseline', baseline, '--candidate', candidate]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(result.stdout).toContain('x\\x1b]0;owned\\x07\\x1b[31m\\x9b2J');
    expect(result.stdout).toContain('  gone\\x1b[1A: present baseline 400 calls');
    const twice = await summary('b-8b.json', [entry(evil, 'legacy'), entry(evil, 'v2')]);
    const refused = await runScript('gate', ['--baseline', twice, '--candidate', candidate]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(refused.stderr).toContain('alias "x\\x1b]0;owned\\x07\\x1b[31m\\x9b2J" appears for engines legacy and v2');
  });
});
