// The phase-2 gate's judgement: baseline and candidate run summaries matched by alias, one row
// per (alias, metric), and the failures that make the verdict. Rules (docs/rollout-gates.md, "npm run
// gate"): error rate fails above +threshold pp when significant; tokens per successful call fail
// beyond ±threshold; p95 fails above the ratio; retries and 429s are shown, never judged; an alias
// only in the baseline fails (the candidate did not run it), one only in the candidate is noted;
// a gate that could judge nothing does not pass: a candidate with fewer than --min-calls calls, or
// fewer than 90 % of the baseline's (not the same workload), fails its call-count row, and so does
// a baseline with no alias at all. Calls the caller cancelled are neither calls nor failures.
// Each alias is judged only when the two runs served it on different engines (issue 25, item 11):
// a pair that ran one engine on both sides is "same engine: not judged" — it cannot show what the
// switch changes — unless --allow-same-engine asks for exactly that; if no alias is judged and
// nothing failed, the gate refuses (exit 2) rather than pass on nothing.
import { UsageError } from '../compare/cli-options.ts';
import { errorRateZ, zFor } from './error-rate-significance.ts';
import type { GateThresholds } from './gate-thresholds.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import type { LoadedSummary, SummaryEntry } from './read-summary.ts';

export type GateMetric =
  | 'error-rate'
  | 'input-tokens-per-success'
  | 'output-tokens-per-success'
  | 'p95-latency'
  | 'retries-per-call'
  | 'rate-limited-per-call'
  | 'call-count'
  | 'presence'
  | 'engine';

/** pass/fail are judged; `info` is shown only; `not-judged` had too few calls (or nothing to divide by). */
export type RowStatus = 'pass' | 'fail' | 'info' | 'not-judged';

export interface GateRow {
  alias: string;
  metric: GateMetric;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline in pp (error rate), relative change (tokens), ratio (p95); null when undefined. */
  delta: number | null;
  /** The threshold as given (`0.5pp`, `5%`, `1.2x`), or null for informational rows. */
  threshold: string | null;
  status: RowStatus;
  note?: string;
  /** The engine each side ran this alias on (null: the alias is not in that summary). */
  engines: { baseline: string | null; candidate: string | null };
}

/** A row as each metric builds it; evaluateGate adds the engines of its alias. */
type RowOf = Omit<GateRow, 'engines'>;

/** One alias of either summary: where each side ran it and whether the gate judged it. */
export interface GateAlias {
  alias: string;
  baselineEngine: string | null;
  candidateEngine: string | null;
  /** In both summaries and on two engines (or on one with --allow-same-engine). */
  judged: boolean;
  note?: string;
}

export interface GateOptions {
  /** Judge a pair that ran the same engine on both sides (`--allow-same-engine`). */
  allowSameEngine?: boolean;
}

export interface GateReport {
  schema: 'dd-gate-report/1';
  generatedAt: string;
  baseline: { file: string; startedAt?: string; endedAt?: string; engines: string[] };
  candidate: { file: string; startedAt?: string; endedAt?: string; engines: string[] };
  thresholds: GateThresholds;
  verdict: 'pass' | 'fail';
  /** Every failing (alias, metric) — what the verdict names. */
  failures: GateRow[];
  baselineOnly: string[];
  candidateOnly: string[];
  /** Every alias, sorted: its engine on each side and whether it was judged. */
  aliases: GateAlias[];
  rows: GateRow[];
}

function byAlias(summary: LoadedSummary): Map<string, SummaryEntry> {
  const map = new Map<string, SummaryEntry>();
  for (const entry of summary.entries) {
    const seen = map.get(entry.alias);
    if (seen) {
      throw new UsageError(
        `${escapeTerminalText(summary.file)}: alias "${escapeTerminalText(entry.alias)}" appears for engines ${escapeTerminalText(seen.engine)} and ` +
          `${escapeTerminalText(entry.engine)}; the gate compares one run per engine — write one summary per engine`,
      );
    }
    map.set(entry.alias, entry);
  }
  return map;
}

/** The failure class a cancelled call is counted under (src/observability): a cancel is not a failure. */
const CANCELLED = 'Cancelled';
const CANDIDATE_ONLY = 'in the candidate only: nothing to compare it with';
/** The candidate must make at least this share of the baseline's calls to be the same workload. */
export const MIN_CALL_SHARE = 0.9;
const cancelledOf = (e: SummaryEntry) => e.failures[CANCELLED] ?? 0;
const failuresOf = (e: SummaryEntry) => Object.entries(e.failures).reduce((sum, [name, n]) => (name === CANCELLED ? sum : sum + n), 0);
/** Calls that ran to an answer or a failure (cancelled ones left out). */
const judgedCalls = (e: SummaryEntry) => e.calls - cancelledOf(e);
const percent = (fraction: number) => `${+(fraction * 100).toFixed(4)}%`;

function errorRateRow(alias: string, b: SummaryEntry, c: SummaryEntry, t: GateThresholds): RowOf {
  const threshold = `${t.maxErrorRateDeltaPp}pp`;
  const nb = judgedCalls(b);
  const nc = judgedCalls(c);
  if (nb <= 0 || nc <= 0)
    return {
      alias,
      metric: 'error-rate',
      baseline: null,
      candidate: null,
      delta: null,
      threshold,
      status: 'not-judged',
      note: 'no calls on one side',
    };
  const fb = failuresOf(b);
  const fc = failuresOf(c);
  const rb = (fb / nb) * 100;
  const rc = (fc / nc) * 100;
  const delta = rc - rb;
  const z = errorRateZ({ failures: fb, calls: nb }, { failures: fc, calls: nc });
  const significant = z > zFor(t.confidence);
  const row: RowOf = { alias, metric: 'error-rate', baseline: rb, candidate: rc, delta, threshold, status: 'pass' };
  if (delta > t.maxErrorRateDeltaPp) {
    if (significant) {
      row.status = 'fail';
      row.note = `${fc}/${nc} vs ${fb}/${nb} failed, z = ${z.toFixed(2)}`;
    } else row.note = `above the threshold but not significant at ${t.confidence * 100}% (${fc}/${nc} vs ${fb}/${nb}, z = ${z.toFixed(2)})`;
  }
  return row;
}

/** Whether the candidate's run can be judged at all: enough calls, and the baseline's workload. */
function callCountRow(alias: string, b: SummaryEntry, c: SummaryEntry, t: GateThresholds): RowOf {
  const nb = judgedCalls(b);
  const nc = judgedCalls(c);
  const row: RowOf = {
    alias,
    metric: 'call-count',
    baseline: nb,
    candidate: nc,
    delta: nb > 0 ? nc / nb : null,
    threshold: `≥ ${t.minCalls}, ≥ ${MIN_CALL_SHARE * 100}%`,
    status: 'pass',
  };
  if (nc < t.minCalls)
    return { ...row, status: 'fail', note: `inconclusive: the candidate made ${nc} calls, fewer than --min-calls ${t.minCalls}` };
  if (nc < nb * MIN_CALL_SHARE)
    return { ...row, status: 'fail', note: `not the same workload: the candidate made ${nc} calls, the baseline ${nb}` };
  return row;
}

function tokenRow(
  alias: string,
  metric: 'input-tokens-per-success' | 'output-tokens-per-success',
  b: SummaryEntry,
  c: SummaryEntry,
  t: GateThresholds,
): RowOf {
  const key = metric === 'input-tokens-per-success' ? 'input' : 'output';
  const threshold = `±${+(t.maxTokenDelta * 100).toFixed(4)}%`;
  if (b.successes === 0 || c.successes === 0)
    return {
      alias,
      metric,
      baseline: null,
      candidate: null,
      delta: null,
      threshold,
      status: 'not-judged',
      note: 'no successful call on one side',
    };
  const vb = b.tokens[key] / b.successes;
  const vc = c.tokens[key] / c.successes;
  const row: RowOf = { alias, metric, baseline: vb, candidate: vc, delta: null, threshold, status: 'pass' };
  if (vb === 0 && vc === 0) return { ...row, delta: 0, note: 'none reported on either side' };
  // A baseline of 0 has no relative change: the candidate reporting some is a change of kind.
  row.delta = vb === 0 ? null : (vc - vb) / vb;
  if (Math.min(b.calls, c.calls) < t.minCalls) return { ...row, status: 'not-judged', note: `fewer than ${t.minCalls} calls on one side` };
  if (row.delta === null || Math.abs(row.delta) > t.maxTokenDelta) {
    row.status = 'fail';
    row.note = row.delta === null ? 'the baseline reported none' : `${row.delta > 0 ? '+' : ''}${percent(row.delta)}`;
  }
  return row;
}

function p95Row(alias: string, b: SummaryEntry, c: SummaryEntry, t: GateThresholds): RowOf {
  const threshold = `${t.maxP95Ratio}x`;
  const row: RowOf = {
    alias,
    metric: 'p95-latency',
    baseline: b.latencyMs.p95,
    candidate: c.latencyMs.p95,
    delta: null,
    threshold,
    status: 'pass',
  };
  if (b.latencyMs.p95 <= 0) return { ...row, status: 'not-judged', note: 'baseline p95 is 0' };
  row.delta = c.latencyMs.p95 / b.latencyMs.p95;
  if (Math.min(b.calls, c.calls) < t.minCalls) return { ...row, status: 'not-judged', note: `fewer than ${t.minCalls} calls on one side` };
  if (row.delta > t.maxP95Ratio) row.status = 'fail';
  return row;
}

function perCallRow(alias: string, metric: 'retries-per-call' | 'rate-limited-per-call', b: SummaryEntry, c: SummaryEntry): RowOf {
  const pick = (e: SummaryEntry) => (e.calls === 0 ? null : (metric === 'retries-per-call' ? e.retries : e.rateLimited) / e.calls);
  const vb = pick(b);
  const vc = pick(c);
  return {
    alias,
    metric,
    baseline: vb,
    candidate: vc,
    delta: vb === null || vc === null ? null : vc - vb,
    threshold: null,
    status: 'info',
  };
}

/** The report's own counters, checked before it is printed: a gate whose sums disagree refuses (exit 2). */
function checkCounts(report: GateReport, baselineAliases: number): void {
  const problems: string[] = [];
  const judged = report.aliases.filter((a) => a.judged).length;
  const sameEngine = report.aliases.filter((a) => !a.judged && a.baselineEngine !== null && a.candidateEngine !== null).length;
  if (judged + sameEngine + report.baselineOnly.length !== baselineAliases) {
    const only = report.baselineOnly.length;
    problems.push(`judged ${judged} + same engine ${sameEngine} + baseline only ${only} ≠ baseline aliases ${baselineAliases}`);
  }
  const failing = report.rows.filter((r) => r.status === 'fail').length;
  if (failing !== report.failures.length) problems.push(`failing rows ${failing} ≠ failures ${report.failures.length}`);
  if ((report.verdict === 'pass') !== (report.failures.length === 0)) {
    problems.push(`verdict ${report.verdict} with ${report.failures.length} failures`);
  }
  if (problems.length) throw new UsageError(`the gate's own counts do not add up (${problems.join('; ')}): no verdict`);
}

export function evaluateGate(
  baseline: LoadedSummary,
  candidate: LoadedSummary,
  thresholds: GateThresholds,
  now = new Date(),
  options: GateOptions = {},
): GateReport {
  const base = byAlias(baseline);
  const cand = byAlias(candidate);
  const rows: GateRow[] = [];
  const aliases: GateAlias[] = [];
  const push = (engines: GateRow['engines'], ...each: RowOf[]) => {
    for (const row of each) rows.push({ ...row, engines });
  };
  const baselineOnly = [...base.keys()].filter((alias) => !cand.has(alias)).sort();
  const candidateOnly = [...cand.keys()].filter((alias) => !base.has(alias)).sort();
  for (const alias of [...base.keys()].sort()) {
    const b = base.get(alias)!;
    const c = cand.get(alias);
    const engines = { baseline: b.engine, candidate: c?.engine ?? null };
    if (!c) {
      aliases.push({ alias, baselineEngine: b.engine, candidateEngine: null, judged: false, note: 'in the baseline only' });
      const note = 'in the baseline only: the candidate run did not call this alias';
      push(engines, { alias, metric: 'presence', baseline: b.calls, candidate: null, delta: null, threshold: null, status: 'fail', note });
      continue;
    }
    if (b.engine === c.engine && !options.allowSameEngine) {
      const note = `same engine: not judged (${b.engine} on both sides: the engine switch did not reach this alias)`;
      aliases.push({ alias, baselineEngine: b.engine, candidateEngine: c.engine, judged: false, note });
      push(engines, { alias, metric: 'engine', baseline: null, candidate: null, delta: null, threshold: null, status: 'not-judged', note });
      continue;
    }
    aliases.push({ alias, baselineEngine: b.engine, candidateEngine: c.engine, judged: true });
    push(
      engines,
      callCountRow(alias, b, c, thresholds),
      errorRateRow(alias, b, c, thresholds),
      tokenRow(alias, 'input-tokens-per-success', b, c, thresholds),
      tokenRow(alias, 'output-tokens-per-success', b, c, thresholds),
      p95Row(alias, b, c, thresholds),
      perCallRow(alias, 'retries-per-call', b, c),
      perCallRow(alias, 'rate-limited-per-call', b, c),
    );
  }
  if (base.size === 0) {
    const note = 'the baseline has no alias: nothing was judged';
    push(
      { baseline: null, candidate: null },
      { alias: '(none)', metric: 'presence', baseline: 0, candidate: cand.size, delta: null, threshold: null, status: 'fail', note },
    );
  }
  for (const alias of candidateOnly) {
    const c = cand.get(alias)!;
    aliases.push({ alias, baselineEngine: null, candidateEngine: c.engine, judged: false, note: 'in the candidate only' });
    push(
      { baseline: null, candidate: c.engine },
      { alias, metric: 'presence', baseline: null, candidate: c.calls, delta: null, threshold: null, status: 'info', note: CANDIDATE_ONLY },
    );
  }
  aliases.sort((x, y) => (x.alias < y.alias ? -1 : x.alias > y.alias ? 1 : 0));
  const failures = rows.filter((row) => row.status === 'fail');
  const judged = aliases.filter((a) => a.judged);
  if (base.size > 0 && judged.length === 0 && failures.length === 0) {
    const same = aliases.filter((a) => !a.judged && a.baselineEngine !== null && a.candidateEngine !== null);
    const named = same
      .slice(0, 5)
      .map((a) => `${escapeTerminalText(a.alias)}: ${escapeTerminalText(a.baselineEngine!)}`)
      .join(', ');
    const more = same.length > 5 ? `, +${same.length - 5} more` : '';
    throw new UsageError(
      `nothing to judge: every alias the two runs share ran the same engine on both sides (${named}${more}); the engine switch did not ` +
        'take effect for them (check DATA_DESIGNER_ASYNC_ENGINE), or pass --allow-same-engine to compare two runs of one engine',
    );
  }
  const engineSet = (s: LoadedSummary) => [...new Set(s.entries.map((e) => e.engine))].sort();
  const side = (s: LoadedSummary) => ({
    file: s.file,
    ...(s.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s.endedAt ? { endedAt: s.endedAt } : {}),
    engines: engineSet(s),
  });
  const report: GateReport = {
    schema: 'dd-gate-report/1',
    generatedAt: now.toISOString(),
    baseline: side(baseline),
    candidate: side(candidate),
    thresholds,
    verdict: failures.length === 0 ? 'pass' : 'fail',
    failures,
    baselineOnly,
    candidateOnly,
    aliases,
    rows,
  };
  checkCounts(report, base.size);
  return report;
}
