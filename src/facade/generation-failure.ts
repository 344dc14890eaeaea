// How a generate call that never produced a parsable answer is explained to the user
// (reference §5.4, lessons 22): which kind of failure it was, and whether the answers were cut
// off — in which case the useful advice is about token budgets, not about the schema.
import type { FailureKind } from '../core/errors.ts';
import type { ChatRequest, ChatResponse } from '../core/types.ts';

export type TruncationReason = 'max_tokens' | 'context_window';

/**
 * Why the answer stopped early, if it did. The canonical `length` folds `max_tokens` and
 * Anthropic's `model_context_window_exceeded` together (docs/contract.md "Canonical types"), so the two are told apart by
 * the numbers: an answer that stopped for length before reaching the requested max_tokens ran
 * out of context window instead.
 */
export function classifyTruncation(response: ChatResponse, request: ChatRequest): TruncationReason | null {
  if (response.choices[0]?.finish_reason !== 'length') return null;
  const completion = response.usage?.completion_tokens;
  if (request.max_tokens !== undefined && completion !== undefined && completion < request.max_tokens) {
    return 'context_window';
  }
  return 'max_tokens';
}

/** Within one conversation a context-window exhaustion dominates; otherwise the latest reason wins. */
export function mergeTruncation(previous: TruncationReason | null, next: TruncationReason | null): TruncationReason | null {
  if (previous === 'context_window' || next === 'context_window') return 'context_window';
  return next ?? previous;
}

const SCHEMA_MARKERS = ['response_schema', 'model_validate', 'validation error', "doesn't match requested"];

export function failureKindOf(detail: string): FailureKind {
  const lowered = detail.toLowerCase();
  return SCHEMA_MARKERS.some((marker) => lowered.includes(marker)) ? 'schema_validation' : 'parse_error';
}

export function truncationSolution(reason: TruncationReason | null): string | undefined {
  if (reason === 'max_tokens') {
    return 'The answer was cut off at max_tokens: raise inferenceParameters.maxTokens (or the per-call max_tokens) so the model can finish.';
  }
  if (reason === 'context_window') {
    return "The model's context window was exhausted before the answer was complete: shrink the prompt, context or schema, or use a model with a bigger context window. Raising max_tokens will not help.";
  }
  return undefined;
}
