// docs/contract.md "Canonical types"'s finish_reason is one of stop | length | tool_calls | content_filter, never null. A
// provider stop reason outside the map (null or missing — Anthropic's is nullable —, a value we do
// not know, Bedrock's malformed_model_output / malformed_tool_use) still ended the turn: it becomes
// `tool_calls` when the message holds tool calls for the caller to answer, else `stop`.
import type { FinishReason } from '../../core/types.ts';

export function finishReasonOutsideMap(toolCallCount: number): FinishReason {
  return toolCallCount > 0 ? 'tool_calls' : 'stop';
}
