// The run summary (schema dd-run-summary/1, docs/observability.md): per (alias, engine), what the
// facade saw of every call — counts, failures by final error class, attempts, 429s, tokens,
// latency percentiles and wall time. Always on: counters and one latency sample per call.
import type { EngineName } from '../core/model-client.ts';
import type { ProviderType } from '../core/types.ts';
import type { ShadowCounterEntry } from '../shadow/shadow-counters.ts';
import { LatencySamples } from './latency-samples.ts';

export const RUN_SUMMARY_SCHEMA = 'dd-run-summary/1';

export interface RunSummaryEntry {
  alias: string;
  engine: EngineName;
  providerType: ProviderType;
  providerName: string;
  model: string;
  /** Facade-level calls (completion, generate, embed), each counted once. */
  calls: number;
  successes: number;
  /** Failed calls by the class name of the error the caller got. */
  failures: Record<string, number>;
  /** HTTP attempts made for those calls. */
  attempts: number;
  /** attempts − first attempts. */
  retries: number;
  /** Attempts answered 429 (or a Bedrock ThrottlingException): those that ended in ModelRateLimitError. */
  rateLimited: number;
  tokens: { input: number; output: number; reasoning: number };
  /** Per facade call, successes and failures alike. */
  latencyMs: { p50: number; p95: number; p99: number };
  /** First call start → last call end of this entry. */
  wallMs: number;
}

export interface RunSummary {
  schema: typeof RUN_SUMMARY_SCHEMA;
  /** First call started (ISO); null when no call was made. */
  startedAt: string | null;
  /** Last call settled (ISO); null when no call was made. */
  endedAt: string | null;
  wallMs: number;
  entries: RunSummaryEntry[];
  /**
   * Shadow mode's counters per (alias, provider type, primary, shadow engine) — present only when
   * shadow mode is on (docs/shadow-mode.md). Readers of dd-run-summary/1 ignore keys they do not know.
   */
  shadow?: ShadowSummaryEntry[];
}

/** One shadow counter entry as the run summary carries it: registry.shadowSummary()'s own shape. */
export type ShadowSummaryEntry = ShadowCounterEntry;

/** Identity of one entry: fixed when the facade is created. */
export interface RunSummaryKey {
  alias: string;
  engine: EngineName;
  providerType: ProviderType;
  providerName: string;
  model: string;
}

/** What one settled facade call contributes. */
export interface SettledCall {
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  /** Duration in ms (monotonic clock). */
  durationMs: number;
  /** Class name of the error the caller got; undefined for a success. */
  errorClass?: string;
  attempts: number;
  retries: number;
  rateLimited: number;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** Aggregates one (alias, engine). */
export class RunSummaryAccumulator {
  readonly key: RunSummaryKey;
  #calls = 0;
  #successes = 0;
  readonly #failures = new Map<string, number>();
  #attempts = 0;
  #retries = 0;
  #rateLimited = 0;
  readonly #tokens = { input: 0, output: 0, reasoning: 0 };
  readonly #latency = new LatencySamples();
  #firstStart = Infinity;
  #lastEnd = -Infinity;

  constructor(key: RunSummaryKey) {
    this.key = key;
  }

  get calls(): number {
    return this.#calls;
  }

  get firstStart(): number {
    return this.#firstStart;
  }

  get lastEnd(): number {
    return this.#lastEnd;
  }

  record(call: SettledCall): void {
    this.#calls += 1;
    if (call.errorClass === undefined) this.#successes += 1;
    else this.#failures.set(call.errorClass, (this.#failures.get(call.errorClass) ?? 0) + 1);
    this.#attempts += call.attempts;
    this.#retries += call.retries;
    this.#rateLimited += call.rateLimited;
    this.#tokens.input += call.inputTokens;
    this.#tokens.output += call.outputTokens;
    this.#tokens.reasoning += call.reasoningTokens;
    this.#latency.add(call.durationMs);
    if (call.startedAt < this.#firstStart) this.#firstStart = call.startedAt;
    if (call.endedAt > this.#lastEnd) this.#lastEnd = call.endedAt;
  }

  entry(): RunSummaryEntry {
    const [p50, p95, p99] = this.#latency.percentiles([50, 95, 99]);
    return {
      ...this.key,
      calls: this.#calls,
      successes: this.#successes,
      failures: Object.fromEntries([...this.#failures].sort(([a], [b]) => a.localeCompare(b))),
      attempts: this.#attempts,
      retries: this.#retries,
      rateLimited: this.#rateLimited,
      tokens: { ...this.#tokens },
      latencyMs: { p50, p95, p99 },
      wallMs: this.#calls === 0 ? 0 : this.#lastEnd - this.#firstStart,
    };
  }
}

/** The registry's aggregation: one accumulator per (alias, engine), in first-use order. */
export class RunSummaryRecorder {
  readonly #entries = new Map<string, RunSummaryAccumulator>();

  /** The accumulator for a facade; the same one for every facade of the same (alias, engine). */
  accumulator(key: RunSummaryKey): RunSummaryAccumulator {
    const id = JSON.stringify([key.alias, key.engine]);
    let accumulator = this.#entries.get(id);
    if (!accumulator) {
      accumulator = new RunSummaryAccumulator(key);
      this.#entries.set(id, accumulator);
    }
    return accumulator;
  }

  summary(): RunSummary {
    const used = [...this.#entries.values()].filter((a) => a.calls > 0);
    if (used.length === 0) return { schema: RUN_SUMMARY_SCHEMA, startedAt: null, endedAt: null, wallMs: 0, entries: [] };
    const start = Math.min(...used.map((a) => a.firstStart));
    const end = Math.max(...used.map((a) => a.lastEnd));
    return {
      schema: RUN_SUMMARY_SCHEMA,
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(end).toISOString(),
      wallMs: end - start,
      entries: used.map((a) => a.entry()),
    };
  }
}
