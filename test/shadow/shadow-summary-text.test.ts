// @retire-with-legacy: shadow mode replays the other engine: with one engine left there is none
// The shadow summary's own arithmetic (issue 25, item 12): what staging-job refuses (exit 2) and
// dd-models generate flags — counters that do not add up once shadow mode is idle.
import { describe, expect, it } from 'vitest';
import type { ShadowCounterEntry } from '../../src/shadow/shadow-counters.ts';
import { formatShadowSummary, shadowCountsProblems } from '../../src/shadow/shadow-summary-text.ts';

function entry(overrides: Partial<ShadowCounterEntry> = {}): ShadowCounterEntry {
  const base = { alias: 'writer', providerType: 'openai', primary: 'legacy', shadow: 'v2' } as const;
  const counts = { sampled: 10, compared: 6, inParity: 5, outOfParity: 1, dropped: 2, failed: 1, skipped: 1 };
  return { ...base, ...counts, fixturesWritten: 1, cpuMicros: 900, ...overrides };
}

describe('shadow summary arithmetic', () => {
  it('accepts counters that add up and prints one line per entry', () => {
    expect(shadowCountsProblems([entry()])).toEqual([]);
    expect(formatShadowSummary([entry()])).toEqual([
      'shadow (once idle: sampled = compared + dropped + failed + skipped):',
      '  writer (legacy primary, v2 shadow): sampled 10, compared 6 (in parity 5, out of parity 1), dropped 2, failed 1, skipped 1, ' +
        'fixtures 1',
    ]);
  });

  it.each([
    [
      "the issue's staging-job run: sampled 10, dropped 8, compared 0",
      { compared: 0, inParity: 0, outOfParity: 0, dropped: 8, failed: 0, skipped: 0 },
      'sampled 10 ≠ compared 0 + dropped 8 + failed 0 + skipped 0',
    ],
    [
      'an unwritable fixture counted as compared and failed',
      { compared: 7, inParity: 5, outOfParity: 2 },
      'sampled 10 ≠ compared 7 + dropped 2 + failed 1 + skipped 1',
    ],
    ['compared not split into parity verdicts', { inParity: 4 }, 'compared 6 ≠ in parity 4 + out of parity 1'],
    ['more fixtures than out-of-parity calls', { fixturesWritten: 2 }, 'fixtures written 2 > out of parity 1'],
  ])('names %s', (_, overrides, problem) => {
    const named = `shadow counters of alias 'writer' (legacy → v2) do not add up: ${problem}`;
    expect(shadowCountsProblems([entry(overrides)])).toEqual([named]);
  });

  it('escapes control characters in an alias', () => {
    const [line] = shadowCountsProblems([entry({ alias: 'w\u001b]0;x\u0007', sampled: 11 })]);
    expect(line).toContain("alias 'w\\x1b]0;x\\x07'");
  });
});
