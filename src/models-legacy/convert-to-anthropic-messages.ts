import type { AssistantMessage, ChatMessage, TextPart, ThinkingBlock, UserContentPart } from '../core/types.ts';
import type { JsonRecord } from './json-guards.ts';
import { joinTextParts } from './message-text.ts';
import { isDataUri, parseDataUri } from './parse-data-uri.ts';
import { parseToolArguments } from './parse-tool-arguments.ts';
import { ANTHROPIC_TOOL_USE_ID, providerToolUseId } from './provider-tool-use-id.ts';
import { unsupportedContentPart } from './request-input-error.ts';

export interface AnthropicMessages {
  /** Every system message hoisted, joined with a blank line; absent when there is none. */
  system?: string;
  messages: JsonRecord[];
}

function imageBlock(url: string): JsonRecord {
  if (isDataUri(url)) {
    const { mediaType, base64 } = parseDataUri(url);
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: base64 } };
  }
  return { type: 'image', source: { type: 'url', url } };
}

// Anthropic rejects empty text blocks, so they are dropped rather than sent.
function contentBlocks(parts: readonly (TextPart | UserContentPart)[]): JsonRecord[] {
  const blocks: JsonRecord[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      if (part.text) blocks.push({ type: 'text', text: part.text });
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url));
    } else {
      // Dropping an audio/video/file part would silently change the prompt.
      throw unsupportedContentPart((part as { type: unknown }).type, 'Anthropic');
    }
  }
  return blocks;
}

function thinkingBlock(block: ThinkingBlock): JsonRecord {
  if (block.type === 'redacted_thinking') return { type: 'redacted_thinking', data: block.data };
  const out: JsonRecord = { type: 'thinking', thinking: block.thinking };
  if (block.signature !== undefined) out.signature = block.signature;
  return out;
}

function assistantContent(message: AssistantMessage): string | JsonRecord[] {
  const thinking = message.thinking_blocks ?? [];
  const toolCalls = message.tool_calls ?? [];
  if (thinking.length === 0 && toolCalls.length === 0) {
    return Array.isArray(message.content) ? contentBlocks(message.content) : (message.content ?? '');
  }
  // With extended thinking the API insists on this order, and on thinking blocks sent unmodified.
  const blocks: JsonRecord[] = thinking.map(thinkingBlock);
  if (typeof message.content === 'string') {
    if (message.content) blocks.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    blocks.push(...contentBlocks(message.content));
  }
  for (const call of toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: providerToolUseId(call.id, ANTHROPIC_TOOL_USE_ID),
      name: call.function.name,
      input: parseToolArguments(call.id, call.function.arguments),
    });
  }
  return blocks;
}

export function convertToAnthropicMessages(messages: readonly ChatMessage[]): AnthropicMessages {
  const systemTexts: string[] = [];
  const out: JsonRecord[] = [];
  let toolResults: JsonRecord[] = [];

  // Anthropic has no tool role: a run of tool messages becomes one user turn of tool_result blocks.
  const flushToolResults = (): void => {
    if (toolResults.length === 0) return;
    out.push({ role: 'user', content: toolResults });
    toolResults = [];
  };

  for (const message of messages) {
    if (message.role === 'tool') {
      toolResults.push({
        type: 'tool_result',
        tool_use_id: providerToolUseId(message.tool_call_id, ANTHROPIC_TOOL_USE_ID),
        content: joinTextParts(message.content),
      });
      continue;
    }
    flushToolResults();
    if (message.role === 'system') {
      systemTexts.push(joinTextParts(message.content));
    } else if (message.role === 'user') {
      out.push({ role: 'user', content: typeof message.content === 'string' ? message.content : contentBlocks(message.content) });
    } else {
      out.push({ role: 'assistant', content: assistantContent(message) });
    }
  }
  flushToolResults();

  const result: AnthropicMessages = { messages: out };
  if (systemTexts.length > 0) result.system = systemTexts.join('\n\n');
  return result;
}
