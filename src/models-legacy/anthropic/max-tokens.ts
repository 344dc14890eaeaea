import { ANTHROPIC_DEFAULT_MAX_TOKENS } from '../../core/provider-constraints.ts';
import { isRecord, type JsonRecord } from '../canonical/json-value.ts';

/**
 * `max_tokens` when the caller set none: 4096, or — when `extra_body.thinking.budget_tokens`
 * is a number of at least 4096 — the budget plus 4096, since Anthropic refuses a budget that is
 * not below `max_tokens` (docs/engine-rules.md, "Thinking").
 */
export function defaultAnthropicMaxTokens(extraBody: JsonRecord): number {
  const budget = isRecord(extraBody.thinking) ? extraBody.thinking.budget_tokens : undefined;
  if (typeof budget === 'number' && Number.isFinite(budget) && budget >= ANTHROPIC_DEFAULT_MAX_TOKENS) {
    return budget + ANTHROPIC_DEFAULT_MAX_TOKENS;
  }
  return ANTHROPIC_DEFAULT_MAX_TOKENS;
}
