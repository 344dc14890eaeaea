// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Sleep parity at more than one jitter draw (issue 12, item 13). The fixtures pin their sleeps at
// random() = 0.5 (jitter factor 1); here every bundled fixture that sleeps is replayed through both
// engines at other draws, which must still agree on every sleep, attempt, request and outcome.
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { FIXTURES_DIR, REPO_ROOT, RUN_TIMEOUT_MS, show } from './support.ts';

const DRAWS = [0, 0.25, 0.999];
const sleeping = (await loadFixtures([FIXTURES_DIR], REPO_ROOT)).filter(({ fixture }) => (fixture.expect?.sleeps ?? []).length > 0);

describe('sleep parity across jitter draws', () => {
  it('has fixtures that sleep', () => {
    expect(sleeping.length).toBeGreaterThan(10);
  });

  for (const { file, fixture } of sleeping) {
    it(fixture.name, async () => {
      const problems: string[] = [];
      for (const random of DRAWS) {
        const comparison = await compareEngines(fixture, { timeoutMs: RUN_TIMEOUT_MS, random });
        for (const d of comparison.diffs) problems.push(`random ${random}: ${d.path}: legacy ${show(d.legacy)} | v2 ${show(d.v2)}`);
      }
      if (problems.length > 0) expect.fail(`${file}\n  - ${problems.join('\n  - ')}`);
    });
  }

  it('the draw reaches both engines: a plain backoff sleeps 0.8× at random 0 and 1.2× near 1', async () => {
    const fixture = sleeping.find(({ fixture }) => fixture.name === 'openai/500-exhausted-after-two-retries')!.fixture;
    const low = await compareEngines(fixture, { timeoutMs: RUN_TIMEOUT_MS, random: 0 });
    const high = await compareEngines(fixture, { timeoutMs: RUN_TIMEOUT_MS, random: 1 - Number.EPSILON });
    for (const run of [low.legacy, low.v2]) expect(run.sleeps).toEqual(fixture.expect!.sleeps!.map((ms) => ms * 0.8));
    for (const run of [high.legacy, high.v2]) {
      expect(run.sleeps.map((ms, i) => ms / fixture.expect!.sleeps![i])).toEqual(run.sleeps.map(() => expect.closeTo(1.2, 3)));
    }
  });
});
