// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Issue 18 item 9: a fixture whose correct outcome is a refusal before any request is written
// with `exchanges: []` and an `expect.error`. The schema accepts exactly that, compare judges it
// (an engine that sends a request fails it) and the report says no request was expected.
import { describe, expect, it } from 'vitest';
import { buildCase, buildReport } from '../../src/testing/compare/compare-report.ts';
import { compareFixtures } from '../../src/testing/compare/compare-fixtures.ts';
import { renderTable, summaryLine } from '../../src/testing/compare/terminal-table.ts';
import { expectsNoRequest, FixtureError, loadFixtures, parseFixture } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { FIXTURES_DIR, REPO_ROOT, RUN_TIMEOUT_MS } from './support.ts';

const BASE = {
  name: 'anthropic/x',
  provider: 'anthropic',
  operation: 'chat',
  model: 'claude-sonnet-4-5',
  request: { messages: [{ role: 'user', content: 'Hello' }] },
};

describe('fixtures that expect a local refusal', () => {
  it('the schema takes exchanges: [] only with an expected error and 0 attempts', () => {
    expect(
      expectsNoRequest(
        parseFixture({ ...BASE, exchanges: [], expect: { error: 'ModelBadRequestError', attempts: 0, sleeps: [] } }, 'f.json'),
      ),
    ).toBe(true);
    expect(() => parseFixture({ ...BASE, exchanges: [] }, 'f.json')).toThrow(FixtureError);
    expect(() => parseFixture({ ...BASE, exchanges: [], expect: { response: {} } }, 'f.json')).toThrow(/unless it expects a local refusal/);
    expect(() => parseFixture({ ...BASE, exchanges: [], expect: { error: 'ModelBadRequestError', attempts: 1 } }, 'f.json')).toThrow(
      /attempts must be 0/,
    );
  });

  it('an engine that sends a request for such a fixture fails it', async () => {
    // A plain "Hello" is a valid request: both engines send it, so the refusal is not met.
    const fixture = parseFixture({ ...BASE, exchanges: [], expect: { error: 'ModelBadRequestError', attempts: 0, sleeps: [] } }, 'f.json');
    const comparison = await compareEngines(fixture, { timeoutMs: RUN_TIMEOUT_MS });
    expect(comparison.matches).toBe(false);
    expect(comparison.legacy.attempts + comparison.v2.attempts).toBeGreaterThan(0);
  });

  it('the bundled refusals pass on both engines and the report says no request was expected', async () => {
    const refusals = (await loadFixtures([FIXTURES_DIR], REPO_ROOT)).filter((l) => expectsNoRequest(l.fixture));
    expect(refusals.length).toBeGreaterThanOrEqual(10);
    const cases = await compareFixtures(refusals);
    for (const c of cases) {
      expect({
        name: c.name,
        parity: c.parity,
        matches: c.matches,
        attempts: [c.legacy.attempts, c.v2.attempts],
        flag: c.noRequestExpected,
      }).toEqual({ name: c.name, parity: true, matches: true, attempts: [0, 0], flag: true });
    }
    const report = buildReport(cases);
    expect(renderTable(report, { color: false, width: 200 })).toContain('no request expected (refused locally)');
    expect(summaryLine(report)).toMatch(new RegExp(`mismatched; ${cases.length} refused locally \\(no request expected\\)$`));
  }, 120_000);

  it('a case with exchanges is not marked', () => {
    const c = buildCase({ name: 'a', provider: 'openai', operation: 'chat', file: 'a.json' }, {
      legacy: run(),
      v2: run(),
      parity: true,
      matches: true,
      diffs: [],
    } as never);
    expect('noRequestExpected' in c).toBe(false);
  });
});

function run() {
  return { ok: true, response: {}, attempts: 1, requests: [], sleeps: [], expectation: { matches: true, diffs: [] } };
}
