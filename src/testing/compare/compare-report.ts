// The compare report: the `--json` document of docs/contract.md "Compare report" and what the table and HTML render.
// Its documented keys are an interface (migration gates and dashboards read them); anything
// added here is an additional key, never a renamed or re-typed one.
import { redactDeep } from '../../core/secrets.ts';
import type { EngineName } from '../../core/model-client.ts';
import type { Operation, ProviderType } from '../../core/types.ts';
import type { EngineComparison, FixtureRun } from '../run-fixture.ts';

export interface EngineOutcome {
  ok: boolean;
  response?: unknown;
  error?: { type: string; message: string };
  attempts: number;
  requests: { method: string; path: string; body: unknown }[];
  /** Added to the documented shape: backoff sleeps (ms) the engine asked for. */
  sleeps: number[];
  /**
   * Added: the other waits (ms) the engine sat out before an attempt — v2's admission pacing on a
   * provider's rate bucket. Reported, never compared (only backoff sleeps are a parity claim).
   */
  pacingWaits: number[];
  /** Added: where this engine fails `expect` or a recorded request body. */
  mismatches: { path: string; expected: unknown; actual: unknown }[];
}

export interface ParityDifference {
  path: string;
  legacy: unknown;
  v2: unknown;
}

export interface CompareCase {
  name: string;
  provider: ProviderType;
  operation: Operation;
  parity: boolean;
  matches: boolean | null;
  legacy: EngineOutcome;
  v2: EngineOutcome;
  diffs: ParityDifference[];
  /** Added: the fixture file (or workload file) the case came from. */
  file: string;
  /**
   * Added: the fixture expects a refusal before any request (`exchanges: []` with an
   * `expect.error`), so 0 attempts is the expected outcome, not a replay that went unused.
   */
  noRequestExpected?: true;
}

export interface CompareSummary {
  total: number;
  /** Cases whose engines agree. */
  parity: number;
  /** Cases in parity that also satisfy their expectations and recorded bodies. */
  matches: number;
  /** Added: cases in parity with nothing to match (raw recorded traffic), passed on parity alone. */
  parityAlone: number;
  /** Cases out of parity or failing a match: any of them makes compare exit 1. */
  mismatched: number;
}

/** Added: what was compared, when, with what (`report-meta.ts`). */
export interface CompareMeta {
  generatedAt: string;
  /** `git rev-parse HEAD` of the directory compare ran in, null outside a git checkout. */
  commit: string | null;
  /** True when the checkout had uncommitted changes; null outside a git checkout. */
  dirty: boolean | null;
  mode: 'fixtures' | 'live';
  /** Fixture files or directories as given (mode `fixtures`). */
  fixtures?: string[];
  /** Config and workload files and the providers called (mode `live`); never a key. */
  live?: { config: string; workload: string; providers: { name: string; providerType: string; endpoint: string }[] };
  filter: string | null;
  versions: { node: string; packages: Record<string, string | null> };
}

export interface CompareReport {
  /** Added key: absent only in reports built without it (library callers of buildReport). */
  meta?: CompareMeta;
  cases: CompareCase[];
  summary: CompareSummary;
}

// @both-engines: compare always sets legacy beside v2 (not src/testing/engines.ts); it retires with legacy.
export const ENGINES: readonly EngineName[] = ['legacy', 'v2']; // @both-engines

export function engineOutcome(run: FixtureRun): EngineOutcome {
  const outcome: EngineOutcome = {
    ok: run.ok,
    attempts: run.attempts,
    requests: run.requests.map((r) => ({ method: r.method, path: r.path, body: r.body ?? null })),
    sleeps: run.sleeps,
    pacingWaits: run.pacingWaits,
    mismatches: run.expectation.diffs.map((d) => ({ path: d.path, expected: d.left, actual: d.right })),
  };
  if (run.ok) outcome.response = run.response;
  else outcome.error = { type: run.error?.type ?? 'UnknownError', message: run.error?.message ?? '' };
  return outcome;
}

export interface CaseIdentity {
  name: string;
  provider: ProviderType;
  operation: Operation;
  file: string;
  noRequestExpected?: boolean;
}

export function buildCase(identity: CaseIdentity, comparison: EngineComparison): CompareCase {
  return {
    name: identity.name,
    provider: identity.provider,
    operation: identity.operation,
    parity: comparison.parity,
    matches: matchVerdict(comparison.parity, comparison.matches),
    legacy: engineOutcome(comparison.legacy),
    v2: engineOutcome(comparison.v2),
    // `legacy`/`v2` are documented keys: a side that is absent is written as null, never dropped.
    diffs: comparison.diffs.map((d) => ({ path: d.path, legacy: d.legacy ?? null, v2: d.v2 ?? null })),
    file: identity.file,
    ...(identity.noRequestExpected ? { noRequestExpected: true as const } : {}),
  };
}

/**
 * Matching is in addition to parity (MIGRATION "Reading the compare report"): a case out of
 * parity never matches, even when each engine alone met its claims; with no claims it stays null.
 */
export function matchVerdict(parity: boolean, claimsMet: boolean | null): boolean | null {
  if (claimsMet === null) return null;
  return parity && claimsMet;
}

/** What the report says about a case that expects a local refusal. */
export const NO_REQUEST_EXPECTED = 'no request expected (refused locally)';

/** A case passes when its engines agree and it does not fail a match (no claims = judged on parity). */
export function casePasses(c: Pick<CompareCase, 'parity' | 'matches'>): boolean {
  return c.parity && c.matches !== false;
}

/** total = matches + parityAlone + mismatched: every case is counted exactly once. */
export function summarise(cases: readonly CompareCase[]): CompareSummary {
  return {
    total: cases.length,
    parity: cases.filter((c) => c.parity).length,
    matches: cases.filter((c) => c.parity && c.matches === true).length,
    parityAlone: cases.filter((c) => c.parity && c.matches === null).length,
    mismatched: cases.filter((c) => !casePasses(c)).length,
  };
}

export function buildReport(cases: CompareCase[], meta?: CompareMeta): CompareReport {
  // Reports get shared and committed: nothing that looks like a credential may survive into one.
  const scrubbed = redactDeep(cases);
  const report: CompareReport = { cases: scrubbed, summary: summarise(scrubbed) };
  return meta ? { meta: redactDeep(meta), ...report } : report;
}

/** The first difference worth showing for a case: parity first, then either engine's mismatch. */
export function firstDifference(c: CompareCase): { path: string; left: unknown; right: unknown; label: string } | undefined {
  const parity = c.diffs[0];
  if (parity) return { path: parity.path, left: parity.legacy, right: parity.v2, label: 'legacy ≠ v2' };
  for (const engine of ENGINES) {
    const mismatch = c[engine].mismatches[0];
    if (mismatch) return { path: mismatch.path, left: mismatch.expected, right: mismatch.actual, label: `${engine}: expected ≠ actual` };
  }
  return undefined;
}

/** Short, single-line rendering of a JSON value for tables. */
export function brief(value: unknown, max = 60): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  const single = text.replace(/\s+/g, ' ');
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}
