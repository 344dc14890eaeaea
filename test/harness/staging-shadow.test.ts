// @retire-with-legacy: shadow mode replays the other engine: with one engine left there is none
// Phase 0.5 rehearsed with what the repository ships (issue 25, item 12): `npm run staging-job`
// and `dd-models generate` with shadow mode on wait for it to be idle, print its counters, and
// write a run summary whose `shadow` counters add up — sampled = compared + dropped + failed +
// skipped. Real processes against the fake provider (a real loopback server); nothing mocked.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShadowCounterEntry } from '../../src/shadow/shadow-counters.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { REPO_ROOT, runScript } from './support/run-script.ts';

let dir: string;
let fake: FakeProvider;
let config: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-staging-shadow-'));
  fake = await startFakeProvider();
  config = join(dir, 'config.json');
  const apiKey = 'fake-key-for-the-shadow-rehearsal';
  await writeFile(
    config,
    JSON.stringify({
      providers: [
        { name: 'fake-openai', endpoint: fake.endpoints.openai, providerType: 'openai', apiKey },
        { name: 'fake-anthropic', endpoint: fake.endpoints.anthropic, providerType: 'anthropic', apiKey },
      ],
      models: [
        { alias: 'writer', model: 'gpt-4o-mini', provider: 'fake-openai', inferenceParameters: { maxTokens: 64 } },
        { alias: 'judge', model: 'claude-sonnet-4-5', provider: 'fake-anthropic', inferenceParameters: { maxTokens: 64 } },
        {
          alias: 'embedder',
          model: 'text-embedding-3-small',
          provider: 'fake-openai',
          inferenceParameters: { generationType: 'embedding' },
        },
      ],
    }),
  );
});

afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

const addsUp = (e: ShadowCounterEntry) =>
  e.sampled === e.compared + e.dropped + e.failed + e.skipped && e.compared === e.inParity + e.outOfParity;

// Every call sampled, no CPU budget: the counts are deterministic (no drop for budget), on the worker thread.
const SHADOW_ENV = { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '1', DATA_DESIGNER_SHADOW_MAX_CPU: '1', DATA_DESIGNER_SHADOW_QUEUE_SIZE: '200' };

describe('phase 0.5 rehearsal with shadow mode on', () => {
  it('staging-job --calls 50: waits for shadow mode, prints its counters, and they add up in the run summary', async () => {
    const out = join(dir, 'legacy-shadow.json');
    const args = ['--config', config, '--summary-json', out, '--engine', 'legacy', '--calls', '50', '--concurrency', '16', '--warmup', '0'];
    const result = await runScript('staging-job', args, { env: SHADOW_ENV, timeoutMs: 180_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(await readFile(out, 'utf8'));
    const shadow: ShadowCounterEntry[] = summary.shadow;
    expect(shadow.map((e) => [e.alias, e.primary, e.shadow, e.sampled])).toEqual([
      ['embedder', 'legacy', 'v2', 50],
      ['judge', 'legacy', 'v2', 50],
      ['writer', 'legacy', 'v2', 50],
    ]);
    for (const entry of shadow) {
      expect(addsUp(entry), JSON.stringify(entry)).toBe(true);
      // Nothing held them back (no budget, room in the queue): every sampled call was compared, in parity.
      expect(entry).toMatchObject({ compared: 50, inParity: 50, dropped: 0, failed: 0, skipped: 0 });
    }
    expect(result.stdout).toContain('shadow (once idle: sampled = compared + dropped + failed + skipped):');
    expect(result.stdout).toContain('\n  writer (legacy primary, v2 shadow): sampled 50, compared 50 (in parity 50, out of parity 0)');
  }, 200_000);

  it("staging-job --calls 50 at the issue's settings (a fifth sampled, default CPU budget): the sum holds", async () => {
    const out = join(dir, 'v2-shadow-budget.json');
    const args = ['--config', config, '--summary-json', out, '--engine', 'v2', '--calls', '50', '--concurrency', '16', '--warmup', '0'];
    const result = await runScript('staging-job', args, { env: { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.2' }, timeoutMs: 180_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const shadow: ShadowCounterEntry[] = JSON.parse(await readFile(out, 'utf8')).shadow;
    expect(shadow).toHaveLength(3);
    for (const entry of shadow) expect(addsUp(entry), JSON.stringify(entry)).toBe(true);
  }, 200_000);

  it("dd-models generate: the call's shadow run finishes before close, its counters go to stderr and into --summary-json", async () => {
    const out = join(dir, 'generate-shadow.json');
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['src/cli/dd-models.ts', 'generate', '--config', config, '--model', 'writer', '--engine', 'v2', '--summary-json', out, 'Say hello'],
        { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...SHADOW_ENV }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/shadow/);
    expect(run.stderr).toContain('  writer (v2 primary, legacy shadow): sampled 1, compared 1 (in parity 1, out of parity 0), dropped 0');
    const summary = JSON.parse(await readFile(out, 'utf8'));
    expect(summary.shadow).toEqual([expect.objectContaining({ alias: 'writer', sampled: 1, compared: 1, inParity: 1, dropped: 0 })]);
  }, 90_000);
});
