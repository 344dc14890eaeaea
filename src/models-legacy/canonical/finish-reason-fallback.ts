import type { FinishReason } from '../../core/types.ts';

// docs/contract.md "Canonical types" allows only stop | length | tool_calls | content_filter. A stop reason outside the
// provider's map — null or missing (Anthropic's is nullable), an undocumented value, Bedrock's
// malformed_model_output / malformed_tool_use — still ended the turn: it is `tool_calls` when the
// message carries tool calls (the caller must answer them), else `stop`.
export function fallbackFinishReason(hasToolCalls: boolean): FinishReason {
  return hasToolCalls ? 'tool_calls' : 'stop';
}
