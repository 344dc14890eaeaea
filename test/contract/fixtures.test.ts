// The cross-engine contract: every bundled fixture, run through each engine against the replay
// server. A fixture passes for an engine when the engine sends exactly the recorded wire bodies,
// makes exactly the recorded requests (no more, no fewer, nothing off the loopback), sleeps the
// expected backoffs, and returns the expected canonical result — compared exactly, because the
// bundled expectations are complete (test/fixtures/README.md).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/testing/fixture.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { ENGINES, FIXTURES_DIR, fixtureProblems, outcome, readExtensions, REPO_ROOT, RUN_TIMEOUT_MS } from './support.ts';

const loaded = await loadFixtures([FIXTURES_DIR], REPO_ROOT);

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard.uninstall());
beforeEach(() => {
  guard.take();
});

describe.each(ENGINES)('%s engine replays every bundled fixture', (engine) => {
  it('has enough fixture-driven cases to be evidence', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(60);
  });

  for (const { file, fixture } of loaded) {
    it(fixture.name, async () => {
      const run = await runFixture(fixture, engine, { timeoutMs: RUN_TIMEOUT_MS });
      const problems = fixtureProblems(fixture, run, guard.take(), readExtensions(file));
      if (problems.length > 0) expect.fail(`${file}\n${outcome(run)}\n  - ${problems.join('\n  - ')}`);
    });
  }
});
