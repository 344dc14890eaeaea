// The one canonical choice an Anthropic message or a Bedrock Converse output becomes, from what its
// content blocks held (docs/engine-rules.md "Canonical response shape"): empty text and reasoning
// are null, tool calls and thinking blocks are present only when there are some, and a stop reason
// outside the provider's map falls back by the tool calls (finishReasonOutsideMap).
import type { Choice, FinishReason, ThinkingBlock, ToolCall } from '../../core/types.ts';
import { finishReasonOutsideMap } from './finish-reason-fallback.ts';

export interface AssistantBlocks {
  text: string;
  /** Reasoning texts in block order, joined by a newline. */
  reasoning: readonly string[];
  toolCalls: ToolCall[];
  thinkingBlocks: ThinkingBlock[];
}

/** `stopReason` is looked up in the provider's own map; anything else uses the fallback. */
export function assistantChoice(
  blocks: AssistantBlocks,
  stopReason: string | undefined,
  finishReasons: Readonly<Record<string, FinishReason>>,
): Choice {
  const { text, toolCalls, thinkingBlocks } = blocks;
  const reasoning = blocks.reasoning.join('\n');
  const mapped = stopReason !== undefined && Object.hasOwn(finishReasons, stopReason) ? finishReasons[stopReason] : undefined;
  return {
    index: 0,
    message: {
      role: 'assistant',
      content: text === '' ? null : text,
      reasoning_content: reasoning === '' ? null : reasoning,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      ...(thinkingBlocks.length > 0 ? { thinking_blocks: thinkingBlocks } : {}),
    },
    finish_reason: mapped ?? finishReasonOutsideMap(toolCalls.length),
  };
}
