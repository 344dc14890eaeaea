import type { ChatResponse, ResponseMessage, ThinkingBlock, ToolCall, Usage } from '../../core/types.ts';
import { asRecord, finiteNumber, type JsonRecord } from '../canonical/json-value.ts';
import { mapBedrockStopReason } from './stop-reason.ts';
import { ResponseShapeError } from '../transport/response-shape-error.ts';
import { toolCallIdOrSynthesized } from '../canonical/tool-call-ids.ts';

function parseUsage(raw: JsonRecord): Usage {
  // inputTokens excludes cache traffic while totalTokens includes it.
  const input = finiteNumber(raw.inputTokens) ?? 0;
  const cacheRead = finiteNumber(raw.cacheReadInputTokens);
  const cacheWrite = finiteNumber(raw.cacheWriteInputTokens) ?? 0;
  const prompt = input + (cacheRead ?? 0) + cacheWrite;
  const completion = finiteNumber(raw.outputTokens) ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: finiteNumber(raw.totalTokens) ?? prompt + completion,
  };
  if (cacheRead !== undefined) usage.cached_prompt_tokens = cacheRead;
  return usage;
}

// The AWS SDK decodes every `redactedContent` blob it deserialises and fails the whole response
// when the string is not padded base64 (length a multiple of 4, at most two '=' at the end).
// v2 cannot read past that failure, so legacy rejects the same strings, and returns the bytes
// re-encoded as the SDK round trip does (non-zero padding bits become zero: no data is in them).
const PADDED_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function redactedData(raw: string): string {
  if (raw.length % 4 !== 0 || !PADDED_BASE64.test(raw)) {
    throw new ResponseShapeError('a Bedrock Converse response whose reasoningContent.redactedContent is not base64');
  }
  return Buffer.from(raw, 'base64').toString('base64');
}

// A citationsContent block (document citations enabled) holds the answer's text in
// `content[].text`; the citations themselves have no canonical field and are left out.
function citedText(block: JsonRecord): string {
  if (!Array.isArray(block.content)) return '';
  return block.content
    .map((part) => asRecord(part)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join('');
}

export function parseBedrockConverseResponse(body: unknown): ChatResponse {
  const root = asRecord(body);
  const output = asRecord(root?.output);
  if (!root || !output) throw new ResponseShapeError('a Bedrock Converse response without an "output" object');
  const content = asRecord(output.message)?.content;
  let text = '';
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  // Converse blocks are member-keyed unions with no `type`: recognise them by which key is present.
  for (const raw of Array.isArray(content) ? content : []) {
    const block = asRecord(raw);
    if (!block) continue;
    // Checked before the key dispatch: the SDK decodes the blob even in a block it then reads as text.
    const redacted = asRecord(block.reasoningContent)?.redactedContent;
    const redactedText = typeof redacted === 'string' ? redactedData(redacted) : undefined;
    if (typeof block.text === 'string') {
      text += block.text;
    } else if (asRecord(block.citationsContent)) {
      text += citedText(asRecord(block.citationsContent) ?? {});
    } else if (asRecord(block.toolUse)) {
      const use = asRecord(block.toolUse) ?? {};
      const name = typeof use.name === 'string' ? use.name : '';
      const args = JSON.stringify(use.input ?? {});
      toolCalls.push({
        id: toolCallIdOrSynthesized(use.toolUseId, toolCalls.length, name, args),
        type: 'function',
        function: { name, arguments: args },
      });
    } else if (asRecord(block.reasoningContent)) {
      const reasoningContent = asRecord(block.reasoningContent) ?? {};
      const reasoningText = asRecord(reasoningContent.reasoningText);
      if (reasoningText && typeof reasoningText.text === 'string') {
        reasoning.push(reasoningText.text);
        const kept: ThinkingBlock = { type: 'thinking', thinking: reasoningText.text };
        // gpt-oss and Kimi send reasoning without a signature.
        if (typeof reasoningText.signature === 'string') kept.signature = reasoningText.signature;
        thinkingBlocks.push(kept);
      }
      // Not `else`: a block carrying both members (invalid per the AWS schema, yet passed on by
      // the SDK) keeps both, the text first, rather than silently losing the redacted blob.
      if (redactedText !== undefined) thinkingBlocks.push({ type: 'redacted_thinking', data: redactedText });
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
    choices: [{ index: 0, message, finish_reason: mapBedrockStopReason(root.stopReason, toolCalls.length > 0) }],
  };
  const usage = asRecord(root.usage);
  if (usage) response.usage = parseUsage(usage);
  return response;
}
