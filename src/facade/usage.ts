// Usage accounting per model (reference §5.6). Every request that reaches the client counts:
// a success (with its tokens when the provider reported usage) or a failure. Tool statistics
// are recorded once per successful generate that had tools.
import type { Usage } from '../core/types.ts';

export interface TokenUsage {
  input: number;
  output: number;
  /** Sum of the responses' `total_tokens`: the provider's own total where it reports one (docs/contract.md "Canonical types"). */
  total: number;
  /** Provider-reported reasoning tokens (already part of `output` for OpenAI-style counts). */
  reasoning: number;
}

export interface RequestUsage {
  successful: number;
  failed: number;
  total: number;
}

export interface ToolUsage {
  totalToolCalls: number;
  totalToolCallTurns: number;
  totalGenerations: number;
  generationsWithTools: number;
}

export interface UsageSnapshot {
  tokens: TokenUsage;
  requests: RequestUsage;
  tools: ToolUsage;
}

export interface UsageSummary extends UsageSnapshot {
  elapsedSeconds: number;
  /** Whole tokens per second over the elapsed time (0 when no time has passed). */
  tokensPerSecond: number;
  /** Whole requests per minute over the elapsed time (0 when no time has passed). */
  requestsPerMinute: number;
}

export class ModelUsageStats {
  readonly #now: () => number;
  readonly startedAt: number;
  readonly #tokens: TokenUsage = { input: 0, output: 0, total: 0, reasoning: 0 };
  readonly #requests = { successful: 0, failed: 0 };
  readonly #tools: ToolUsage = { totalToolCalls: 0, totalToolCallTurns: 0, totalGenerations: 0, generationsWithTools: 0 };

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.startedAt = now();
  }

  recordSuccess(usage?: Usage): void {
    this.#requests.successful += 1;
    if (!usage) return;
    this.#tokens.input += usage.prompt_tokens ?? 0;
    this.#tokens.output += usage.completion_tokens ?? 0;
    this.#tokens.total += usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0);
    this.#tokens.reasoning += usage.reasoning_tokens ?? 0;
  }

  recordFailure(): void {
    this.#requests.failed += 1;
  }

  /** One finished generate that had tools: refused calls count too, as in the source system. */
  recordToolGeneration(toolCalls: number, toolCallTurns: number): void {
    this.#tools.totalGenerations += 1;
    this.#tools.totalToolCalls += toolCalls;
    this.#tools.totalToolCallTurns += toolCallTurns;
    if (toolCalls > 0) this.#tools.generationsWithTools += 1;
  }

  get hasUsage(): boolean {
    return this.#tokens.total > 0 || this.#requests.successful + this.#requests.failed > 0;
  }

  snapshot(): UsageSnapshot {
    return {
      tokens: { ...this.#tokens },
      requests: { ...this.#requests, total: this.#requests.successful + this.#requests.failed },
      tools: { ...this.#tools },
    };
  }

  summary(elapsedMs: number = this.#now() - this.startedAt): UsageSummary {
    return summarise(this.snapshot(), elapsedMs);
  }
}

export function summarise(snapshot: UsageSnapshot, elapsedMs: number): UsageSummary {
  const seconds = elapsedMs / 1000;
  return {
    ...snapshot,
    elapsedSeconds: seconds,
    tokensPerSecond: seconds > 0 ? Math.floor(snapshot.tokens.total / seconds) : 0,
    requestsPerMinute: seconds > 0 ? Math.floor((snapshot.requests.total / seconds) * 60) : 0,
  };
}

/** Adds snapshots key by key (aliases that share one model id are reported together). */
export function addSnapshots(a: UsageSnapshot, b: UsageSnapshot): UsageSnapshot {
  const add = <T extends object>(x: T, y: T): T => {
    const out = { ...x } as Record<string, number>;
    for (const [key, value] of Object.entries(y)) out[key] = (out[key] ?? 0) + (value as number);
    return out as T;
  };
  return { tokens: add(a.tokens, b.tokens), requests: add(a.requests, b.requests), tools: add(a.tools, b.tools) };
}

/** The log line of the source system's registry summary, for one model. */
export function formatUsageSummary(model: string, summary: UsageSummary): string {
  const { tokens, requests, tools } = summary;
  const lines = [
    `${model}:`,
    `  tokens: input=${tokens.input}, output=${tokens.output}${tokens.reasoning ? `, reasoning=${tokens.reasoning}` : ''}, total=${tokens.total}, tps=${summary.tokensPerSecond}`,
    `  requests: success=${requests.successful}, failed=${requests.failed}, total=${requests.total}, rpm=${summary.requestsPerMinute}`,
  ];
  if (tools.totalGenerations > 0) {
    lines.push(
      `  tools: generations=${tools.generationsWithTools}/${tools.totalGenerations}, calls=${tools.totalToolCalls}, turns=${tools.totalToolCallTurns}`,
    );
  }
  return lines.join('\n');
}
