import type { ChatResponse, ResponseMessage, ThinkingBlock, ToolCall, Usage } from '../../core/types.ts';
import { asRecord, finiteNumber, type JsonRecord } from '../canonical/json-value.ts';
import { mapAnthropicStopReason } from './stop-reason.ts';
import { ResponseShapeError } from '../transport/response-shape-error.ts';
import { toolCallIdOrSynthesized } from '../canonical/tool-call-ids.ts';

function parseUsage(raw: JsonRecord): Usage {
  // Anthropic's input_tokens excludes cache traffic; the canonical prompt count includes it.
  const input = finiteNumber(raw.input_tokens) ?? 0;
  const cacheRead = finiteNumber(raw.cache_read_input_tokens);
  const cacheWrite = finiteNumber(raw.cache_creation_input_tokens) ?? 0;
  const prompt = input + (cacheRead ?? 0) + cacheWrite;
  const completion = finiteNumber(raw.output_tokens) ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (cacheRead !== undefined) usage.cached_prompt_tokens = cacheRead;
  return usage;
}

export function parseAnthropicResponse(body: unknown): ChatResponse {
  const root = asRecord(body);
  if (!root || !Array.isArray(root.content)) {
    throw new ResponseShapeError('an Anthropic response without a "content" array');
  }
  let text = '';
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const raw of root.content) {
    const block = asRecord(raw);
    if (!block) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      // Citations split one answer over many blocks: concatenate with no separator.
      text += block.text;
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning.push(block.thinking);
      const kept: ThinkingBlock = { type: 'thinking', thinking: block.thinking };
      if (typeof block.signature === 'string') kept.signature = block.signature;
      thinkingBlocks.push(kept);
    } else if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
    } else if (block.type === 'tool_use') {
      const name = typeof block.name === 'string' ? block.name : '';
      const args = JSON.stringify(block.input ?? {});
      toolCalls.push({
        id: toolCallIdOrSynthesized(block.id, toolCalls.length, name, args),
        type: 'function',
        function: { name, arguments: args },
      });
    }
  }
  const joinedReasoning = reasoning.join('\n');
  const message: ResponseMessage = {
    role: 'assistant',
    content: text.length > 0 ? text : null,
    reasoning_content: joinedReasoning.length > 0 ? joinedReasoning : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;

  const response: ChatResponse = {
    choices: [{ index: 0, message, finish_reason: mapAnthropicStopReason(root.stop_reason, toolCalls.length > 0) }],
  };
  if (typeof root.id === 'string') response.id = root.id;
  if (typeof root.model === 'string') response.model = root.model;
  const usage = asRecord(root.usage);
  if (usage) response.usage = parseUsage(usage);
  return response;
}
