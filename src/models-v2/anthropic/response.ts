// Anthropic Messages response → canonical response (docs/contract.md "Canonical types", docs/engine-rules.md).
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ChatResponse, FinishReason, ThinkingBlock, ToolCall, Usage } from '../../core/types.ts';
import { type ErrorSubject, malformedResponseError } from '../retry/failure-classification.ts';
import { assistantChoice } from '../canonical/assistant-choice.ts';
import { toolCallIdOr } from '../canonical/tool-call-ids.ts';
import { isRecord } from '../canonical/json-value.ts';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const prompt = num(raw.input_tokens) + num(raw.cache_read_input_tokens) + num(raw.cache_creation_input_tokens);
  const completion = num(raw.output_tokens);
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (typeof raw.cache_read_input_tokens === 'number') usage.cached_prompt_tokens = raw.cache_read_input_tokens;
  return usage;
}

export function fromAnthropicMessage(raw: unknown, subject: ErrorSubject): ChatResponse {
  if (!isRecord(raw) || !Array.isArray(raw.content)) throw malformedResponseError(subject, 'Anthropic message');
  const message = raw as Partial<Message> & Record<string, unknown>;
  let text = '';
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of raw.content as unknown[]) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      text += block.text;
    } else if (block.type === 'thinking') {
      // A thinking block without string text has nothing to keep: an invented '' would be sent
      // back next turn as reasoning the model never produced, so the block is skipped.
      if (typeof block.thinking !== 'string') continue;
      reasoning.push(block.thinking);
      thinkingBlocks.push({
        type: 'thinking',
        thinking: block.thinking,
        ...(typeof block.signature === 'string' ? { signature: block.signature } : {}),
      });
    } else if (block.type === 'redacted_thinking') {
      if (typeof block.data !== 'string') continue;
      thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
    } else if (block.type === 'tool_use') {
      const name = typeof block.name === 'string' ? block.name : '';
      const args = JSON.stringify(block.input ?? {});
      toolCalls.push({
        id: toolCallIdOr(block.id, toolCalls.length, name, args),
        type: 'function',
        function: { name, arguments: args },
      });
    }
  }
  const stopReason = typeof message.stop_reason === 'string' ? message.stop_reason : undefined;
  const response: ChatResponse = {
    choices: [assistantChoice({ text, reasoning, toolCalls, thinkingBlocks }, stopReason, FINISH_REASONS)],
  };
  if (typeof message.id === 'string') response.id = message.id;
  if (typeof message.model === 'string') response.model = message.model;
  const usage = usageOf(message.usage);
  if (usage) response.usage = usage;
  return response;
}
