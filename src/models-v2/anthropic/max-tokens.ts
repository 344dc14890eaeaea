// Anthropic requires `max_tokens`, and a thinking budget below it. Unset, it is 4096 — or the
// budget plus 4096 when `extra_body.thinking.budget_tokens` is 4096 or more, which the plain
// default would leave at or above `max_tokens`, a certain 400 (docs/engine-rules.md, "Thinking").
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from '../../core/provider-constraints.ts';
import { isRecord } from '../canonical/json-value.ts';

export function anthropicMaxTokens(maxTokens: number | undefined, extraBody: Record<string, unknown>): number {
  if (maxTokens !== undefined) return maxTokens;
  const thinking = extraBody.thinking;
  const budget = isRecord(thinking) ? thinking.budget_tokens : undefined;
  return typeof budget === 'number' && Number.isFinite(budget) && budget >= ANTHROPIC_DEFAULT_MAX_TOKENS
    ? budget + ANTHROPIC_DEFAULT_MAX_TOKENS
    : ANTHROPIC_DEFAULT_MAX_TOKENS;
}
