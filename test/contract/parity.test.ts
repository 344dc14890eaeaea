// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Parity, the compare CLI's own verdict (docs/contract.md "Compare report"): both engines replay the same fixture and must
// return deep-equal canonical outcomes (ignoring id; error class and status), send semantically
// equal wire bodies and make the same number of attempts. Run over the bundled fixtures and over
// the wire corpus in place (required: CI has ../shared beside the clone) — for the corpus, which
// has no expectations, parity is the claim docs/contract.md "Fixtures" gives it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { sharedPresent } from '../shared-reference.ts';
import { FIXTURES_DIR, REPO_ROOT, RUN_TIMEOUT_MS, show, WIRE_CORPUS_DIR } from './support.ts';

// The corpus half runs where ../shared is (always in CI, test/shared-reference.ts); the bundled
// fixtures run everywhere.
const sets = [
  { label: 'bundled fixtures', loaded: await loadFixtures([FIXTURES_DIR], REPO_ROOT) },
  ...(sharedPresent() ? [{ label: `wire corpus (${WIRE_CORPUS_DIR})`, loaded: await loadFixtures([WIRE_CORPUS_DIR], REPO_ROOT) }] : []),
];

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard.uninstall());
beforeEach(() => {
  guard.take();
});

for (const set of sets) {
  describe(`legacy and v2 are in parity on the ${set.label}`, () => {
    for (const { file, fixture } of set.loaded) {
      it(fixture.name, async () => {
        const comparison = await compareEngines(fixture, { timeoutMs: RUN_TIMEOUT_MS });
        const problems = guard.take().map((where) => `network: a connection to ${where} left the loopback`);
        for (const d of comparison.diffs) problems.push(`${d.path}: legacy ${show(d.legacy)} | v2 ${show(d.v2)}`);
        if (problems.length > 0) expect.fail(`${file}\n  - ${problems.join('\n  - ')}`);
      });
    }
  });
}
