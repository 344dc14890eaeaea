// Bedrock Converse output (as deserialised by the SDK) → canonical response. Content blocks
// carry no `type`: each is recognised by the key it holds, and unknown ones are skipped.
import type { ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatResponse, FinishReason, ThinkingBlock, ToolCall, Usage } from '../../core/types.ts';
import { type ErrorSubject, malformedResponseError } from '../retry/failure-classification.ts';
import { assistantChoice } from '../canonical/assistant-choice.ts';
import { toolCallIdOr } from '../canonical/tool-call-ids.ts';
import { isRecord } from '../canonical/json-value.ts';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** The SDK decodes a base64 `redactedContent` to bytes; anything else it passes through as is. */
function base64Of(value: unknown): string | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return typeof value === 'string' ? value : undefined;
}

/**
 * The AWS SDK reads JSON numbers with a reviver: an integer beyond 2^53 becomes a BigInt (which
 * JSON.stringify refuses with a TypeError) and a decimal a double cannot hold exactly becomes a
 * NumericValue object (stringified as `{"string", "type"}`). Tool input is read as JSON.parse
 * reads it, as legacy and the other providers do: both turn back into the number JSON.parse
 * gives (docs/engine-rules.md, "Responses the canonical type cannot represent").
 */
function plainNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isRecord(value) && value.constructor?.name === 'NumericValue' && typeof value.string === 'string') return Number(value.string);
  return value;
}

function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const prompt = num(raw.inputTokens) + num(raw.cacheReadInputTokens) + num(raw.cacheWriteInputTokens);
  const completion = num(raw.outputTokens);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof raw.totalTokens === 'number' ? raw.totalTokens : prompt + completion,
  };
  if (typeof raw.cacheReadInputTokens === 'number') usage.cached_prompt_tokens = raw.cacheReadInputTokens;
  return usage;
}

export function fromBedrockConverseOutput(raw: ConverseCommandOutput | undefined, subject: ErrorSubject): ChatResponse {
  const output = raw?.output as unknown;
  if (!isRecord(output)) throw malformedResponseError(subject, 'Converse response');
  const message = isRecord(output.message) ? output.message : {};
  const blocks = Array.isArray(message.content) ? (message.content as unknown[]) : [];
  let text = '';
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') {
      text += block.text;
    } else if (isRecord(block.citationsContent)) {
      // Document citations: the answer's text sits in content[].text; citations have no canonical field.
      const parts = Array.isArray(block.citationsContent.content) ? block.citationsContent.content : [];
      for (const part of parts) if (isRecord(part) && typeof part.text === 'string') text += part.text;
    } else if (isRecord(block.toolUse)) {
      const use = block.toolUse;
      const name = typeof use.name === 'string' ? use.name : '';
      const args = JSON.stringify(use.input ?? {}, plainNumbers);
      toolCalls.push({
        id: toolCallIdOr(use.toolUseId, toolCalls.length, name, args),
        type: 'function',
        function: { name, arguments: args },
      });
    } else if (isRecord(block.reasoningContent)) {
      const content = block.reasoningContent;
      // The SDK passes a non-string `text` through untouched. Without string text there is no
      // reasoning to keep, and an invented '' would be sent back next turn: skip the block.
      if (isRecord(content.reasoningText) && typeof content.reasoningText.text === 'string') {
        const thinking = content.reasoningText.text;
        reasoning.push(thinking);
        const signature = content.reasoningText.signature;
        thinkingBlocks.push({ type: 'thinking', thinking, ...(typeof signature === 'string' ? { signature } : {}) });
      }
      // Not `else`: the SDK passes on a block carrying both members (invalid per the AWS schema);
      // both are kept, the text first, rather than silently losing the redacted blob. (A blob that
      // is not padded base64 never gets here: the SDK fails the whole response → ModelAPIError.)
      const data = base64Of(content.redactedContent);
      if (data !== undefined) thinkingBlocks.push({ type: 'redacted_thinking', data });
    }
  }
  const stopReason = typeof raw?.stopReason === 'string' ? raw?.stopReason : undefined;
  const response: ChatResponse = {
    choices: [assistantChoice({ text, reasoning, toolCalls, thinkingBlocks }, stopReason, FINISH_REASONS)],
  };
  const usage = usageOf(raw?.usage);
  if (usage) response.usage = usage;
  return response;
}
