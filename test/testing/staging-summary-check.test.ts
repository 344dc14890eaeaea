// The staging job's own arithmetic (issue 25, "every verdict command checks its own arithmetic"):
// a run summary in which an alias did not make the calls the job asked for, or whose calls are not
// all successes or failures, is named before the gate is handed it.
import { describe, expect, it } from 'vitest';
import { RUN_SUMMARY_SCHEMA, type RunSummary, type RunSummaryEntry } from '../../src/observability/run-summary.ts';
import { stagingSummaryProblems } from '../../src/testing/staging/run-staging-job.ts';

function entry(overrides: Partial<RunSummaryEntry> = {}): RunSummaryEntry {
  return {
    alias: 'writer',
    engine: 'v2',
    providerType: 'openai',
    providerName: 'fake-openai',
    model: 'gpt-4o-mini',
    calls: 50,
    successes: 48,
    failures: { Cancelled: 1, ModelInternalServerError: 1 },
    attempts: 52,
    retries: 2,
    rateLimited: 0,
    tokens: { input: 500, output: 250, reasoning: 0 },
    latencyMs: { p50: 10, p95: 20, p99: 30 },
    wallMs: 1000,
    ...overrides,
  };
}

const summary = (...entries: RunSummaryEntry[]): RunSummary => ({
  schema: RUN_SUMMARY_SCHEMA,
  startedAt: null,
  endedAt: null,
  wallMs: 0,
  entries,
});

describe('stagingSummaryProblems', () => {
  it('accepts a summary in which every alias made its calls and every call is a success or a failure', () => {
    expect(stagingSummaryProblems(summary(entry(), entry({ alias: 'judge' })), ['writer', 'judge'], 50)).toEqual([]);
  });

  it('names an alias with too few calls, a missing alias, and an entry whose counts do not add up', () => {
    const run = summary(entry({ calls: 49, successes: 47 }), entry({ alias: 'embedder', successes: 0 }));
    const problems = stagingSummaryProblems(run, ['writer', 'judge', 'embedder'], 50);
    expect(problems).toEqual([
      "alias 'writer' made 49 calls, the job asked for 50",
      "alias 'judge' made 0 calls, the job asked for 50",
      "alias 'embedder' (v2): successes 0 + failures 2 ≠ calls 50",
    ]);
  });
});
