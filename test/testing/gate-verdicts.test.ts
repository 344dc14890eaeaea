// The gate cannot lie (issue 25, items 4, 8 and 11): a summary whose calls are not all accounted
// for is refused, a `__proto__` failure class is counted, 20,000 aliases print, names cannot drive
// the terminal, each alias shows the engine it ran on and a same-engine pair is not judged; and a
// property over generated summaries: the gate's counters add up, or it refuses with one line.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/testing/compare/cli-options.ts';
import { evaluateGate, type GateReport } from '../../src/testing/gate/evaluate-gate.ts';
import { renderGateTable, verdictText } from '../../src/testing/gate/gate-table.ts';
import { DEFAULT_THRESHOLDS } from '../../src/testing/gate/gate-thresholds.ts';
import { parseSummary, type LoadedSummary, type SummaryEntry } from '../../src/testing/gate/read-summary.ts';

type RawEntry = Omit<SummaryEntry, 'failures'> & { failures: [string, number][] };

function raw(overrides: Partial<RawEntry> = {}): RawEntry {
  return {
    alias: 'writer',
    engine: 'legacy',
    calls: 1000,
    successes: 1000,
    failures: [],
    attempts: 1000,
    retries: 0,
    rateLimited: 0,
    tokens: { input: 100_000, output: 50_000, reasoning: 0 },
    latencyMs: { p50: 800, p95: 2000, p99: 4000 },
    wallMs: 60_000,
    ...overrides,
  };
}

/** The summary file as dd-models writes it; failures from pairs, so `__proto__` is an own key of the JSON. */
function text(...entries: RawEntry[]): string {
  const wire = entries.map((e) => ({ ...e, failures: Object.fromEntries(e.failures) }));
  const at = { startedAt: '2026-12-01T08:00:00.000Z', endedAt: '2026-12-01T09:00:00.000Z', wallMs: 1 };
  return JSON.stringify({ schema: 'dd-run-summary/1', ...at, entries: wire });
}

const load = (file: string, ...entries: RawEntry[]): LoadedSummary => parseSummary(text(...entries), file);
const NOW = new Date('2026-12-07T12:00:00.000Z');
const judge = (b: LoadedSummary, c: LoadedSummary, allowSameEngine = false): GateReport =>
  evaluateGate(b, c, DEFAULT_THRESHOLDS, NOW, { allowSameEngine });

/** What could make a terminal do something: ESC, BEL, C1 controls (CSI 0x9b, OSC 0x9d), bidi overrides. */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('item 4: successes + failures = calls, or the summary is refused', () => {
  it('refuses a candidate with no success and no failure out of 1,000 calls, naming file, alias and the sums', () => {
    const read = () => load('cand.json', raw({ engine: 'v2', successes: 0 }));
    expect(read).toThrow(UsageError);
    expect(read).toThrow('cand.json: entries[0] (alias "writer") does not add up: successes 0 + failures 0 ≠ calls 1000');
  });

  it('refuses more failures than calls allow, and cancels are counted in the sum (the Cancelled class)', () => {
    const tooMany = () => load('c.json', raw({ successes: 990, failures: [['ModelInternalServerError', 20]] }));
    expect(tooMany).toThrow(/successes 990 \+ failures 20 ≠ calls 1000/);
    const withCancels = load(
      'c.json',
      raw({
        successes: 990,
        failures: [
          ['Cancelled', 4],
          ['ModelInternalServerError', 6],
        ],
      }),
    );
    expect(withCancels.entries[0].calls).toBe(1000);
  });

  it('refuses fractional counts, retries or 429s beyond attempts, and falling percentiles', () => {
    expect(() => load('c.json', raw({ calls: 1000.5 }))).toThrow(/entries\[0\]\.calls must be a whole number/);
    expect(() => load('c.json', raw({ retries: 1001 }))).toThrow(/retries \(1001\) exceeds attempts \(1000\)/);
    expect(() => load('c.json', raw({ rateLimited: 1001 }))).toThrow(/rateLimited \(1001\) exceeds attempts/);
    expect(() => load('c.json', raw({ latencyMs: { p50: 900, p95: 800, p99: 4000 } }))).toThrow(/latencyMs must rise from p50 to p99/);
  });

  it('keeps a `__proto__` failure class: its failures count toward the error rate', () => {
    const candidate = load('cand.json', raw({ engine: 'v2', successes: 960, failures: [['__proto__', 40]] }));
    expect(Object.keys(candidate.entries[0].failures)).toEqual(['__proto__']);
    expect(candidate.entries[0].failures['__proto__']).toBe(40);
    const report = judge(load('base.json', raw()), candidate);
    const row = report.rows.find((r) => r.metric === 'error-rate')!;
    expect(row.candidate).toBeCloseTo(4);
    expect(report.verdict).toBe('fail');
  });
});

describe('item 8 (the gate table): 20,000 aliases and names with terminal escapes', () => {
  it('prints a table of 20,000 aliases (140,000 rows) without a RangeError', () => {
    const many = (engine: string) => Array.from({ length: 20_000 }, (_, i) => raw({ alias: `alias-${i}`, engine }));
    const report = judge(load('b.json', ...many('legacy')), load('c.json', ...many('v2')));
    expect(report.rows).toHaveLength(140_000);
    const table = renderGateTable(report);
    expect(table.split('\n')).toHaveLength(140_000 + 3);
    expect(verdictText(report)).toContain('PASS: 20000 aliases within the thresholds');
  });

  it('escapes ANSI and OSC sequences in alias names, error classes and notes: the table and the verdict hold none', () => {
    const TOKENS_900 = { input: 90_000, output: 45_000, reasoning: 0 };
    const osc = 'evil\u001b]0;PWNED\u0007\u001b[2J\u009b31m\u202e';
    const report = judge(
      load('b.json', raw({ alias: osc }), raw({ alias: 'gone\u001b[1A' })),
      load('c.json', raw({ alias: osc, engine: 'v2', successes: 900, failures: [['Err\u001b[31m', 100]], tokens: TOKENS_900 })),
    );
    const out = renderGateTable(report) + verdictText(report);
    expect(out).not.toMatch(TERMINAL_CONTROL);
    expect(out).toContain('evil\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\u202e');
    expect(out).toContain('  gone\\x1b[1A: present baseline 1000 calls');
    // The JSON report keeps the names as they are (JSON escapes them itself).
    expect(report.rows[0].alias).toBe(osc);
  });

  it('a refusal naming an alias escapes it too', () => {
    const alias = 'w\u001b]8;;x\u0007';
    const twice = () => judge(load('b\u001b[2J.json', raw({ alias }), raw({ alias, engine: 'v2' })), load('c.json'));
    expect(twice).toThrow(UsageError);
    expect(twice).toThrow('b\\x1b[2J.json: alias "w\\x1b]8;;x\\x07" appears for engines legacy and v2');
  });
});

describe('item 11: the engine of each alias, and a same-engine pair is not judged', () => {
  // DATA_DESIGNER_ASYNC_ENGINE=openai: only the openai aliases moved to v2 in the candidate run.
  const baseline = () => load('legacy.json', ...['chat-openai', 'chat-anthropic', 'chat-bedrock'].map((alias) => raw({ alias })));
  const partial = () =>
    load(
      'v2.json',
      raw({ alias: 'chat-openai', engine: 'v2' }),
      raw({ alias: 'chat-anthropic' }),
      raw({ alias: 'chat-bedrock', successes: 500, failures: [['X', 500]] }),
    );

  const SAME = expect.stringMatching(/^same engine: not judged/);

  it('shows each alias\'s engine on both sides, judges only the switched alias and names the rest "same engine: not judged"', () => {
    const report = judge(baseline(), partial());
    expect(report.aliases).toEqual([
      { alias: 'chat-anthropic', baselineEngine: 'legacy', candidateEngine: 'legacy', judged: false, note: SAME },
      { alias: 'chat-bedrock', baselineEngine: 'legacy', candidateEngine: 'legacy', judged: false, note: SAME },
      { alias: 'chat-openai', baselineEngine: 'legacy', candidateEngine: 'v2', judged: true },
    ]);
    // chat-bedrock's 50 % error rate is not judged: a legacy-vs-legacy pair says nothing about v2.
    expect(report.verdict).toBe('pass');
    expect(report.rows.filter((r) => r.alias === 'chat-bedrock').map((r) => [r.metric, r.status])).toEqual([['engine', 'not-judged']]);
    expect(report.rows.find((r) => r.alias === 'chat-openai')!.engines).toEqual({ baseline: 'legacy', candidate: 'v2' });
    const table = renderGateTable(report);
    expect(table).toMatch(/^alias\s+engines\s+metric/);
    expect(table).toMatch(/^chat-bedrock\s+legacy → legacy\s+engine\s+.*not judged\s+same engine: not judged/m);
    expect(table).toMatch(/^chat-openai\s+legacy → v2\s+error rate/m);
    const verdict = verdictText(report);
    expect(verdict).toContain('note: same engine on both sides, not judged (the switch did not reach them): chat-anthropic, chat-bedrock');
    expect(verdict).toContain('PASS: 1 alias within the thresholds');
    expect(verdict).toContain('; 2 not judged (same engine)');
  });

  it('refuses when no alias is judged (every shared alias ran one engine), and --allow-same-engine judges them', () => {
    const candidate = () => load('c.json', raw({ alias: 'chat-openai' }), raw({ alias: 'extra', engine: 'v2' }));
    const only = () => judge(load('b.json', raw({ alias: 'chat-openai' })), candidate());
    expect(only).toThrow(UsageError);
    expect(only).toThrow(/^nothing to judge: every alias the two runs share ran the same engine on both sides \(chat-openai: legacy\)/);
    const allowed = judge(load('b.json', raw({ alias: 'chat-openai' })), candidate(), true);
    expect(allowed.verdict).toBe('pass');
    expect(allowed.aliases.find((a) => a.alias === 'chat-openai')!.judged).toBe(true);
  });
});

// ---- property: generated summaries -------------------------------------------------------------

const CLASSES = ['ModelRateLimitError', 'ModelInternalServerError', 'Cancelled', '__proto__', 'constructor', 'hasOwnProperty'];
const ALIASES = ['writer', 'judge', '__proto__', 'toString', 'x\u001b]0;t\u0007'];

const entryArb = (engines: string[]) =>
  fc
    .record({
      alias: fc.constantFrom(...ALIASES),
      engine: fc.constantFrom(...engines),
      successes: fc.nat(600),
      failures: fc.uniqueArray(fc.tuple(fc.constantFrom(...CLASSES), fc.nat(300)), { selector: ([name]) => name, maxLength: 4 }),
      // Mostly 0: an entry that adds up; otherwise calls are off by this much.
      skew: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 1 }),
      extraAttempts: fc.nat(200),
      retries: fc.nat(300),
      tokens: fc.nat(100_000),
      p50: fc.nat(2000),
      spread: fc.nat(2000),
    })
    .map((g): RawEntry => {
      const calls = g.successes + g.failures.reduce((sum, [, n]) => sum + n, 0) + g.skew;
      const attempts = Math.max(calls, 0) + g.extraAttempts;
      return raw({
        alias: g.alias,
        engine: g.engine,
        calls,
        successes: g.successes,
        failures: g.failures,
        attempts,
        retries: g.retries,
        rateLimited: Math.min(g.retries, attempts),
        tokens: { input: g.tokens, output: Math.floor(g.tokens / 2), reasoning: 0 },
        latencyMs: { p50: g.p50, p95: g.p50 + g.spread, p99: g.p50 + 2 * g.spread },
      });
    });

const summaryArb = (engines: string[]) => fc.uniqueArray(entryArb(engines), { selector: (e) => e.alias, maxLength: 4 });

/** The oracle, written from the summary format (docs/observability.md), not from the gate's code. */
const addsUp = (e: RawEntry) =>
  e.calls >= 0 && e.successes + e.failures.reduce((s, [, n]) => s + n, 0) === e.calls && e.retries <= e.attempts;
const cancelled = (e: RawEntry) => e.failures.find(([name]) => name === 'Cancelled')?.[1] ?? 0;
const failed = (e: RawEntry) => e.failures.filter(([name]) => name !== 'Cancelled').reduce((s, [, n]) => s + n, 0);

function expectOneLineRefusal(error: unknown): void {
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain('\n');
  expect((error as Error).message).not.toMatch(TERMINAL_CONTROL);
}

describe('property: the gate over generated summaries', () => {
  test.prop([summaryArb(['legacy']), summaryArb(['legacy', 'v2'])], { numRuns: 400 })(
    'its counters add up, or it refuses with one line naming why',
    (baseEntries, candEntries) => {
      let base: LoadedSummary;
      let cand: LoadedSummary;
      try {
        base = parseSummary(text(...baseEntries), 'base.json');
        cand = parseSummary(text(...candEntries), 'cand.json');
      } catch (error) {
        expectOneLineRefusal(error);
        expect([...baseEntries, ...candEntries].every(addsUp)).toBe(false);
        return;
      }
      // Accepted: every entry of both files adds up.
      expect([...baseEntries, ...candEntries].every(addsUp)).toBe(true);
      const shared = baseEntries.filter((b) => candEntries.some((c) => c.alias === b.alias));
      const switched = shared.filter((b) => candEntries.find((c) => c.alias === b.alias)!.engine !== b.engine);
      let report: GateReport;
      try {
        report = judge(base, cand);
      } catch (error) {
        expectOneLineRefusal(error);
        // Refused only when nothing could be judged: no alias switched engines and none is missing.
        expect(baseEntries.length).toBeGreaterThan(0);
        expect(switched).toEqual([]);
        expect(shared).toHaveLength(baseEntries.length);
        return;
      }
      const judged = report.aliases
        .filter((a) => a.judged)
        .map((a) => a.alias)
        .sort();
      expect(judged).toEqual(switched.map((b) => b.alias).sort());
      expect(report.baselineOnly).toEqual(
        baseEntries
          .filter((b) => !shared.includes(b))
          .map((b) => b.alias)
          .sort(),
      );
      expect(report.failures).toEqual(report.rows.filter((r) => r.status === 'fail'));
      expect(report.verdict).toBe(report.failures.length === 0 ? 'pass' : 'fail');
      if (report.verdict === 'pass' && baseEntries.length > 0) expect(judged.length).toBeGreaterThan(0);
      for (const b of switched) {
        const c = candEntries.find((e) => e.alias === b.alias)!;
        const rows = report.rows.filter((r) => r.alias === b.alias);
        const counted = { baseline: b.calls - cancelled(b), candidate: c.calls - cancelled(c) };
        expect(rows.find((r) => r.metric === 'call-count')).toMatchObject(counted);
        const rate = rows.find((r) => r.metric === 'error-rate')!;
        if (b.calls - cancelled(b) > 0 && c.calls - cancelled(c) > 0) {
          expect(rate.baseline).toBeCloseTo((failed(b) / (b.calls - cancelled(b))) * 100, 9);
          expect(rate.candidate).toBeCloseTo((failed(c) / (c.calls - cancelled(c))) * 100, 9);
        } else expect(rate.status).toBe('not-judged');
      }
      const table = renderGateTable(report) + verdictText(report);
      expect(table).not.toMatch(TERMINAL_CONTROL);
    },
  );
});
