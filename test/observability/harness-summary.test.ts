// --summary-json on the harness CLIs, run as a user runs them against the fake provider:
// compare --live (entries for both engines per alias) and record (the recording engine's).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/observability/run-summary.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { PLANTED_SECRETS, ROUND_TRIP_FAULTS, writeFakeProviderConfig } from '../harness/support/fake-provider-config.ts';
import { runScript } from '../harness/support/run-script.ts';
import { ENGINES } from '../../src/testing/engines.ts';

const WORKLOAD = 'test/harness/workloads/fake-provider.yaml';
const ALIASES = ['chat-anthropic', 'chat-bedrock', 'chat-openai', 'embed-cohere', 'embed-openai', 'embed-titan'];

let dir: string;
let fake: FakeProvider;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-harness-summary-'));
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

describe('--summary-json on the harness CLIs', () => {
  // compare --live runs both engines side by side: it goes with legacy (phase 4).
  it.runIf(ENGINES.includes('legacy'))(
    'compare --live writes one entry per alias and engine, every call counted and settled',
    async () => {
      const file = join(dir, 'live-summary.json');
      const result = await runScript('compare', ['--live', '--config', config, '--workload', WORKLOAD, '--summary-json', file], {
        env: PLANTED_SECRETS,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Run summary: ${file}`);
      const summary = JSON.parse(await readFile(file, 'utf8')) as RunSummary;
      expect(summary.schema).toBe('dd-run-summary/1');
      expect([...new Set(summary.entries.map((e) => e.alias))].sort()).toEqual(ALIASES);
      for (const alias of ALIASES) {
        const [legacy, v2] = (['legacy', 'v2'] as const).map(
          (engine) => summary.entries.find((e) => e.alias === alias && e.engine === engine)!,
        );
        // Both engines ran the same workload calls: the same number of calls for each alias.
        expect(legacy.calls).toBeGreaterThan(0);
        expect(v2.calls).toBe(legacy.calls);
        for (const entry of [legacy, v2]) {
          expect(entry.successes + Object.values(entry.failures).reduce((a, b) => a + b, 0)).toBe(entry.calls);
          // A fanned-out embedding call makes several first attempts, so retries ≤ attempts − calls.
          expect(entry.attempts).toBeGreaterThanOrEqual(entry.calls);
          expect(entry.retries).toBeLessThanOrEqual(entry.attempts - entry.calls);
        }
      }
      // The fake answers the first Anthropic request of its life with a 429 (ROUND_TRIP_FAULTS):
      // one engine saw it, retried once and succeeded.
      const anthropic = summary.entries.filter((e) => e.alias === 'chat-anthropic');
      expect(anthropic.reduce((n, e) => n + e.rateLimited, 0)).toBe(1);
      expect(anthropic.reduce((n, e) => n + e.retries, 0)).toBe(1);
      expect(anthropic.every((e) => e.successes === e.calls)).toBe(true);
      // No planted credential in the written file.
      const text = await readFile(file, 'utf8');
      for (const secret of Object.values(PLANTED_SECRETS)) expect(text).not.toContain(secret);
    },
    120_000,
  );

  it('record writes the summary of the recording engine', async () => {
    const file = join(dir, 'record-summary.json');
    const result = await runScript(
      'record',
      ['--config', config, '--workload', WORKLOAD, '--out', join(dir, 'recorded'), '--summary-json', file],
      {
        env: PLANTED_SECRETS,
      },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(await readFile(file, 'utf8')) as RunSummary;
    expect(new Set(summary.entries.map((e) => e.engine))).toEqual(new Set(['v2']));
    expect(summary.entries.reduce((n, e) => n + e.calls, 0)).toBe(10);
  }, 120_000);

  it('compare without --live refuses --summary-json (exit 2)', async () => {
    const result = await runScript('compare', ['--summary-json', join(dir, 'x.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--summary-json is only used with --live');
  });
});
