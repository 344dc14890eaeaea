// The bench CLI's input errors: reported before any measuring starts, as one line, exit 2.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/testing/engines.ts';
import { runScript } from './support/run-script.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-bench-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run bench input errors', () => {
  it('a --json path it cannot write stops the run before it measures anything', async () => {
    const result = await runScript('bench', ['--mode', 'compare', '--time-ms', '100', '--json', dir], { timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`bench: --json ${dir}: cannot write the report there (${dir} is a directory)\n`);
    expect(result.stdout).toBe('');
  });

  it('a missing --mode is one line', async () => {
    const result = await runScript('bench', []);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'bench: --mode must be "compare", "capacity", "embeddings", "shadow", "instrumentation", "fleet" or "cold-start" (got nothing)\n',
    );
  });

  it('fleet: an unknown store or scenario, no worker, or more workers than the known cap has slots, is one line before anything starts', async () => {
    const store = await runScript('bench', ['--mode', 'fleet', '--store', 'memcached']);
    expect(store.code).toBe(2);
    expect(store.stderr).toBe('bench: --store: unknown "memcached"; choose from local, redis, cluster, known, both\n');
    const scenario = await runScript('bench', ['--mode', 'fleet', '--store', 'local', '--scenarios', 'a,c']);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toBe('bench: --scenarios: unknown "c"; choose from a, b\n');
    const workers = await runScript('bench', ['--mode', 'fleet', '--workers', '0']);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/^bench: --workers .*\n$/);
    expect(workers.stdout).toBe('');
    // Lists: each item is checked, and a bad one is named before anything starts.
    const list = await runScript('bench', ['--mode', 'fleet', '--store', 'local', '--workers', '4,0']);
    expect(list.code).toBe(2);
    expect(list.stderr).toBe('bench: --workers must be an integer ≥ 1 and ≤ 64, got "0"\n');
    const known = await runScript('bench', ['--mode', 'fleet', '--store', 'known', '--workers', '4,32']);
    expect(known.code).toBe(2);
    expect(known.stderr).toBe("bench: --store known splits scenario a's cap of 16 over the workers: at most 16 workers\n");
    const rtt = await runScript('bench', ['--mode', 'fleet', '--store', 'local', '--rtt-ms', '0,-1']);
    expect(rtt.code).toBe(2);
    expect(rtt.stderr).toBe('bench: --rtt-ms must be a number ≥ 0 and ≤ 100, got "-1"\n');
    expect(rtt.stdout).toBe('');
    const warmUp = await runScript('bench', ['--mode', 'fleet', '--store', 'local', '--warm-up-calls', '2.5']);
    expect(warmUp.code).toBe(2);
    expect(warmUp.stderr).toMatch(/^bench: --warm-up-calls must be an integer ≥ 0.*got "2\.5"\n$/);
    expect(warmUp.stdout).toBe('');
  });

  it('an unknown capacity scenario or variant names what is allowed', async () => {
    const scenario = await runScript('bench', ['--mode', 'capacity', '--scenarios', 'a,z']);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toBe('bench: --scenarios: unknown "z"; choose from a, b, c, d, e, f, r, s\n');
    const variant = await runScript('bench', ['--mode', 'capacity', '--variants', 'v3']);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toBe('bench: --variants: unknown "v3"; choose from v2-capacity, v2-aimd, legacy\n');
  });

  it('an instrumentation --rounds below 1 is one line, before anything runs', async () => {
    const result = await runScript('bench', ['--mode', 'instrumentation', '--rounds', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bench: --rounds .*\n$/);
    expect(result.stdout).toBe('');
  });

  it('an embeddings --repeats below 1 is one line, before anything runs', async () => {
    const result = await runScript('bench', ['--mode', 'embeddings', '--repeats', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bench: --repeats .*\n$/);
    expect(result.stdout).toBe('');
  });
});

describe('npm run bench --mode capacity', () => {
  it('runs a scenario against the fake provider in its own process and reports every figure in the JSON', async () => {
    const json = join(dir, 'capacity.json');
    // Legacy is the reference variant while it exists (phase 4 narrows ENGINES to v2).
    const variants = ENGINES.includes('legacy') ? ['v2-capacity', 'legacy'] : ['v2-capacity'];
    const result = await runScript('bench', ['--mode', 'capacity', '--scenarios', 'f', '--variants', variants.join(','), '--json', json], {
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| f        | v2-capacity |');
    const report = JSON.parse(await readFile(json, 'utf8')) as { rows: Record<string, unknown>[] };
    expect(report.rows.map((r) => r.variant)).toEqual(variants);
    for (const row of report.rows) {
      expect(row).toMatchObject({ scenario: 'f', calls: 300, succeeded: 300, failed: 0, lost: 0, limitingRate: 60 });
      expect(row.attempts).toBe(300);
    }
    const [v2, legacy] = report.rows as { goodput: number }[];
    // v2 shares one throttle per (provider, model): the smaller cap (3) governs both aliases, so it
    // cannot beat 3 in flight. Legacy limits each alias on its own (10 + 3 in flight).
    expect(v2.goodput).toBeGreaterThan(0.3);
    expect(v2.goodput).toBeLessThanOrEqual(1.05);
    if (legacy) expect(legacy.goodput).toBeGreaterThan(1.5);
  });
});

describe('npm run bench --mode shadow', () => {
  // Shadow mode replays the other engine: it goes with legacy (phase 4).
  it.runIf(ENGINES.includes('legacy'))(
    'measures shadow off / 0.1 / 1.0 for both primaries and reports every figure in the JSON',
    async () => {
      const json = join(dir, 'shadow.json');
      const result = await runScript(
        'bench',
        [
          '--mode',
          'shadow',
          '--time-ms',
          '150',
          '--rounds',
          '2',
          '--max-cpu',
          '1',
          '--concurrency',
          '2',
          '--providers',
          'openai',
          '--json',
          json,
        ],
        { timeoutMs: 120_000 },
      );
      expect(result.stdout).toContain('+CPU µs/sampled');
      expect(result.stdout).toContain('round 2/2 v2 openai');
      const report = JSON.parse(await readFile(json, 'utf8'));
      expect(report.mode).toBe('shadow');
      expect(report.settings).toMatchObject({ rounds: 2, timeMs: 150, maxCpuShare: 1 });
      // Each primary: off, 0.1, 1.0, then the control (off again, the run's noise floor).
      expect(
        report.rows.map(
          (r: { primary: string; sampleRate: number; control: boolean }) => `${r.primary}@${r.control ? 'control' : r.sampleRate}`,
        ),
      ).toEqual(['legacy@0', 'legacy@0.1', 'legacy@1', 'legacy@control', 'v2@0', 'v2@0.1', 'v2@1', 'v2@control']);
      for (const row of report.rows) {
        expect(row.calls).toBeGreaterThan(0);
        expect(row.errors).toBe(0);
        expect(row.outOfParity).toBe(0);
        expect(row.failed).toBe(0);
        expect(row.p99Ms).toBeGreaterThanOrEqual(row.p50Ms);
        expect(row.rounds).toBe(2);
        if (row.sampleRate === 0) {
          expect(row.sampled).toBe(0);
          expect(row.addedCpuUsPerSampledCall).toBeNull();
          if (!row.control) expect(row.ratioToOff).toEqual({ opsPerSec: 1, p50: 1, p99: 1 });
          else expect(row.ratioToOff.opsPerSec).toBeGreaterThan(0);
        }
        if (row.sampleRate === 1) {
          expect(row.sampled).toBe(row.calls);
          expect(row.compared + row.dropped).toBe(row.sampled);
          expect(row.inParity).toBe(row.compared);
          expect(row.shadowedShare).toBeCloseTo(row.compared / row.sampled, 6);
          expect(typeof row.addedCpuUsPerSampledCall).toBe('number');
          // With no CPU limit every window drains its queue: each round compared at least one call.
          expect(row.compared).toBeGreaterThanOrEqual(2);
          expect(typeof row.addedCpuUsPerShadowRun).toBe('number');
        }
      }
      expect(result.code).toBe(0);
    },
    150_000,
  );
});
