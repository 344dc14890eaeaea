// The phase-2 gate's rules on run summaries built in the test: each threshold, the small-sample
// rule, units parsing, a missing alias, and malformed summaries (issue 13, "the gate").
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/testing/compare/cli-options.ts';
import { errorRateZ } from '../../src/testing/gate/error-rate-significance.ts';
import { evaluateGate, type GateReport } from '../../src/testing/gate/evaluate-gate.ts';
import {
  DEFAULT_THRESHOLDS,
  parseMinCalls,
  parsePercent,
  parsePercentagePoints,
  parseRatio,
} from '../../src/testing/gate/gate-thresholds.ts';
import { parseSummary, type LoadedSummary, type SummaryEntry } from '../../src/testing/gate/read-summary.ts';

function entry(overrides: Partial<SummaryEntry> = {}): SummaryEntry {
  return {
    alias: 'writer',
    engine: 'legacy',
    calls: 1000,
    successes: 1000,
    failures: {},
    attempts: 1000,
    retries: 0,
    rateLimited: 0,
    tokens: { input: 100_000, output: 50_000, reasoning: 0 },
    latencyMs: { p50: 800, p95: 2000, p99: 4000 },
    wallMs: 60_000,
    ...overrides,
  };
}

const summary = (file: string, ...entries: SummaryEntry[]): LoadedSummary => ({ file, entries });
// The thresholds are the subject here, not the engines: most pairs are legacy on both sides, which
// the gate judges only as --allow-same-engine does (engines per alias: gate-verdicts.test.ts).
const gate = (b: SummaryEntry[], c: SummaryEntry[], thresholds = DEFAULT_THRESHOLDS): GateReport =>
  evaluateGate(summary('base.json', ...b), summary('cand.json', ...c), thresholds, new Date(), { allowSameEngine: true });
const failing = (report: GateReport) => report.failures.map((f) => `${f.alias}/${f.metric}`);

describe('gate thresholds', () => {
  it('passes identical runs', () => {
    const report = gate([entry()], [entry({ engine: 'v2' })]);
    expect(report.verdict).toBe('pass');
    expect(report.failures).toEqual([]);
  });

  it('error rate: fails a significant rise above 0.5pp and names alias, metric, both rates and the threshold', () => {
    const report = gate(
      [entry({ successes: 995, failures: { ModelRateLimitError: 5 } })],
      [entry({ engine: 'v2', successes: 980, failures: { ModelInternalServerError: 20 } })],
    );
    expect(failing(report)).toEqual(['writer/error-rate']);
    const [failure] = report.failures;
    expect(failure.baseline).toBeCloseTo(0.5);
    expect(failure.candidate).toBeCloseTo(2);
    expect(failure.delta).toBeCloseTo(1.5);
    expect(failure.threshold).toBe('0.5pp');
  });

  it('error rate: a rise within 0.5pp passes, and a lower candidate error rate passes', () => {
    expect(gate([entry({ successes: 996, failures: { A: 4 } })], [entry({ successes: 992, failures: { A: 8 } })]).verdict).toBe('pass');
    expect(
      gate([entry({ successes: 900, failures: { A: 100 }, tokens: { input: 90_000, output: 45_000, reasoning: 0 } })], [entry()]).verdict,
    ).toBe('pass');
  });

  it('error rate, small samples: 1 failure in 20 calls is above 0.5pp but not significant; 6 in 20 is', () => {
    const few = gate([entry({ calls: 20, successes: 20 })], [entry({ calls: 20, successes: 19, failures: { A: 1 } })]);
    const row = few.rows.find((r) => r.metric === 'error-rate')!;
    expect(row.delta).toBeCloseTo(5);
    expect(row.status).toBe('pass');
    expect(row.note).toMatch(/not significant/);
    const many = gate([entry({ calls: 20, successes: 20 })], [entry({ calls: 20, successes: 14, failures: { A: 6 } })]);
    expect(failing(many)).toContain('writer/error-rate');
  });

  it('error-rate z statistic: zero on equal rates, larger with more calls for the same rates', () => {
    expect(errorRateZ({ failures: 0, calls: 100 }, { failures: 0, calls: 100 })).toBe(0);
    const small = errorRateZ({ failures: 1, calls: 100 }, { failures: 3, calls: 100 });
    const large = errorRateZ({ failures: 10, calls: 1000 }, { failures: 30, calls: 1000 });
    expect(large).toBeGreaterThan(small);
  });

  it('tokens per successful call: ±5% either way fails, within passes, and input and output are separate metrics', () => {
    expect(failing(gate([entry()], [entry({ tokens: { input: 106_000, output: 50_000, reasoning: 0 } })]))).toEqual([
      'writer/input-tokens-per-success',
    ]);
    expect(failing(gate([entry()], [entry({ tokens: { input: 100_000, output: 47_000, reasoning: 0 } })]))).toEqual([
      'writer/output-tokens-per-success',
    ]);
    expect(gate([entry()], [entry({ tokens: { input: 104_000, output: 52_000, reasoning: 0 } })]).verdict).toBe('pass');
  });

  it('tokens are divided by successes, not calls: failures without usage do not lower the per-call figure', () => {
    const report = gate(
      [entry()],
      [entry({ successes: 999, failures: { A: 1 }, tokens: { input: 99_900, output: 49_950, reasoning: 0 } })],
    );
    expect(report.rows.find((r) => r.metric === 'input-tokens-per-success')!.candidate).toBeCloseTo(100);
    expect(report.verdict).toBe('pass');
  });

  it('tokens: a baseline of none and a candidate with some fails (no relative change exists)', () => {
    const report = gate(
      [entry({ tokens: { input: 100_000, output: 0, reasoning: 0 } })],
      [entry({ tokens: { input: 100_000, output: 10, reasoning: 0 } })],
    );
    expect(failing(report)).toEqual(['writer/output-tokens-per-success']);
    expect(report.failures[0].note).toBe('the baseline reported none');
  });

  it('p95: above 1.2× the baseline fails, a faster candidate passes', () => {
    expect(failing(gate([entry()], [entry({ latencyMs: { p50: 800, p95: 2500, p99: 4000 } })]))).toEqual(['writer/p95-latency']);
    expect(gate([entry()], [entry({ latencyMs: { p50: 800, p95: 2400, p99: 4000 } })]).verdict).toBe('pass');
    expect(gate([entry()], [entry({ latencyMs: { p50: 100, p95: 200, p99: 400 } })]).verdict).toBe('pass');
  });

  it('below --min-calls, tokens and p95 are shown but not judged, and the gate is inconclusive: it fails on the call count', () => {
    const report = gate(
      [entry({ calls: 10, successes: 10 })],
      [
        entry({
          calls: 10,
          successes: 10,
          tokens: { input: 200_000, output: 50_000, reasoning: 0 },
          latencyMs: { p50: 1, p95: 9000, p99: 9000 },
        }),
      ],
    );
    expect(report.rows.filter((r) => r.status === 'not-judged').map((r) => r.metric)).toEqual([
      'input-tokens-per-success',
      'output-tokens-per-success',
      'p95-latency',
    ]);
    expect(failing(report)).toEqual(['writer/call-count']);
    expect(report.failures[0].note).toBe('inconclusive: the candidate made 10 calls, fewer than --min-calls 30');
    expect(
      gate([entry({ calls: 10, successes: 10 })], [entry({ calls: 10, successes: 10 })], { ...DEFAULT_THRESHOLDS, minCalls: 10 }).verdict,
    ).toBe('pass');
  });

  it('a candidate that made far fewer calls than the baseline did not run the same workload: it fails on the call count', () => {
    const report = gate([entry()], [entry({ calls: 500, successes: 500, tokens: { input: 50_000, output: 25_000, reasoning: 0 } })]);
    expect(failing(report)).toEqual(['writer/call-count']);
    expect(report.failures[0].note).toBe('not the same workload: the candidate made 500 calls, the baseline 1000');
    expect(gate([entry()], [entry({ calls: 950, successes: 950, tokens: { input: 95_000, output: 47_500, reasoning: 0 } })]).verdict).toBe(
      'pass',
    );
  });

  it('cancelled calls are neither calls nor failures: a candidate whose caller cancelled more does not fail the error rate', () => {
    const report = gate([entry()], [entry({ calls: 1100, successes: 1000, failures: { Cancelled: 100 } })]);
    const row = report.rows.find((r) => r.metric === 'error-rate')!;
    expect(row.candidate).toBe(0);
    expect(report.rows.find((r) => r.metric === 'call-count')!.candidate).toBe(1000);
    expect(report.verdict).toBe('pass');
  });

  it('a baseline with no alias judges nothing and does not pass', () => {
    const report = gate([], [entry({ engine: 'v2' })]);
    expect(failing(report)).toEqual(['(none)/presence']);
    expect(report.failures[0].note).toBe('the baseline has no alias: nothing was judged');
  });

  it('retries and 429s are shown per call but never fail the gate', () => {
    const report = gate([entry()], [entry({ attempts: 3000, retries: 2000, rateLimited: 1500 })]);
    expect(report.verdict).toBe('pass');
    const rows = report.rows.filter((r) => r.status === 'info');
    expect(rows.map((r) => [r.metric, r.candidate])).toEqual([
      ['retries-per-call', 2],
      ['rate-limited-per-call', 1.5],
    ]);
  });

  it('custom thresholds tighten and loosen each metric', () => {
    const candidate = entry({ latencyMs: { p50: 800, p95: 2300, p99: 4000 } });
    expect(gate([entry()], [candidate]).verdict).toBe('pass');
    expect(failing(gate([entry()], [candidate], { ...DEFAULT_THRESHOLDS, maxP95Ratio: 1.1 }))).toEqual(['writer/p95-latency']);
    const more = entry({ tokens: { input: 108_000, output: 50_000, reasoning: 0 } });
    expect(gate([entry()], [more], { ...DEFAULT_THRESHOLDS, maxTokenDelta: 0.1 }).verdict).toBe('pass');
  });
});

describe('gate aliases', () => {
  it('an alias only in the baseline fails; one only in the candidate is noted and does not fail', () => {
    const report = gate([entry(), entry({ alias: 'judge' })], [entry(), entry({ alias: 'extra' })]);
    expect(report.baselineOnly).toEqual(['judge']);
    expect(report.candidateOnly).toEqual(['extra']);
    expect(failing(report)).toEqual(['judge/presence']);
    const onlyNew = gate([entry()], [entry(), entry({ alias: 'extra' })]);
    expect(onlyNew.verdict).toBe('pass');
  });

  it('one alias on two engines in one summary is refused with the file and alias named', () => {
    expect(() => gate([entry(), entry({ engine: 'v2' })], [entry()])).toThrow(
      /base\.json: alias "writer" appears for engines legacy and v2/,
    );
  });
});

describe('threshold units', () => {
  it('parses 0.5pp, 5%, 1.2 and 1.2x', () => {
    expect(parsePercentagePoints('0.5pp', 'f')).toBe(0.5);
    expect(parsePercentagePoints('2', 'f')).toBe(2);
    expect(parsePercent('5%', 'f')).toBeCloseTo(0.05);
    expect(parsePercent('0.05', 'f')).toBeCloseTo(0.05);
    expect(parseRatio('1.2', 'f')).toBe(1.2);
    expect(parseRatio('1.5x', 'f')).toBe(1.5);
    expect(parseMinCalls('30', 'f')).toBe(30);
  });

  it.each([
    ['--max-error-rate-delta', () => parsePercentagePoints('0.5%', '--max-error-rate-delta'), /0\.5pp, got "0\.5%"/],
    ['--max-error-rate-delta', () => parsePercentagePoints('abc', '--max-error-rate-delta'), /percentage points/],
    ['--max-token-delta', () => parsePercent('5', '--max-token-delta'), /such as 5%.*got "5"/],
    ['--max-token-delta', () => parsePercent('-5%', '--max-token-delta'), /got "-5%"/],
    ['--max-p95-ratio', () => parseRatio('0.8', '--max-p95-ratio'), /ratio ≥ 1.*got "0\.8"/],
    ['--max-p95-ratio', () => parseRatio('1.2ms', '--max-p95-ratio'), /got "1\.2ms"/],
    ['--min-calls', () => parseMinCalls('2.5', '--min-calls'), /whole number/],
  ])('%s refuses a bad value with a usage error naming the flag', (flag, parse, message) => {
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(flag);
    expect(parse).toThrow(message);
  });
});

describe('reading run summaries', () => {
  const valid = { schema: 'dd-run-summary/1', startedAt: 'a', endedAt: 'b', wallMs: 1, entries: [entry()], shadow: { ignored: true } };

  it('reads a dd-run-summary/1 document and ignores unknown top-level keys', () => {
    const loaded = parseSummary(JSON.stringify(valid), 'run.json');
    expect(loaded.entries).toEqual([entry()]);
  });

  it.each([
    ['not JSON', '{', /run\.json: not JSON/],
    ['another schema', JSON.stringify({ ...valid, schema: 'dd-run-summary/9' }), /schema must be "dd-run-summary\/1"/],
    ['a missing count', JSON.stringify({ ...valid, entries: [{ ...entry(), calls: undefined }] }), /entries\[0\]\.calls must be a number/],
    [
      'a negative token count',
      JSON.stringify({ ...valid, entries: [{ ...entry(), tokens: { input: -1, output: 0 } }] }),
      /entries\[0\]\.tokens\.input/,
    ],
    ['more successes than calls', JSON.stringify({ ...valid, entries: [entry({ successes: 2000 })] }), /successes \(2000\) exceeds calls/],
  ])('refuses %s with the file and field named', (_, text, message) => {
    expect(() => parseSummary(text, 'run.json')).toThrow(UsageError);
    expect(() => parseSummary(text, 'run.json')).toThrow(message);
  });
});
