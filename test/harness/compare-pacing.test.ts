// Issue 30 item 2: compare compares the backoff sleeps an engine asks for, never v2's admission
// pacing (a wait until a provider's rate bucket refills), which legacy does not have. The pacing
// wait stays visible in the report as its own key.
import { describe, expect, it } from 'vitest';
import { loadFixtureFile } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { engineOutcome } from '../../src/testing/compare/compare-report.ts';

const FIXTURE = 'test/fixtures/openai/429-free-tier-request-bucket-empty-recovers.json';

describe('compare: backoff sleeps, not pacing waits', () => {
  it('an empty request bucket (429, no retry-after) is in parity: both engines back off 2000 ms once', async () => {
    const comparison = await compareEngines(await loadFixtureFile(FIXTURE));
    expect(comparison.diffs).toEqual([]);
    expect(comparison.parity).toBe(true);
    expect(comparison.legacy.sleeps).toEqual([2000]);
    expect(comparison.v2.sleeps).toEqual([2000]);
    // v2 waited for the bucket (x-ratelimit-reset-requests: 20s) after its backoff: reported apart.
    expect(comparison.v2.pacingWaits).toHaveLength(1);
    expect(comparison.v2.pacingWaits[0]).toBeGreaterThan(0);
    expect(comparison.legacy.pacingWaits).toEqual([]);
    const reported = engineOutcome(comparison.v2);
    expect(reported.sleeps).toEqual([2000]);
    expect(reported.pacingWaits).toEqual(comparison.v2.pacingWaits);
  });
});
