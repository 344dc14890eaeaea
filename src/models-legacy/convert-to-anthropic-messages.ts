import type { AssistantMessage, ChatMessage, SystemMessage, TextPart, ThinkingBlock, ToolMessage, UserContentPart } from '../core/types.ts';
import type { JsonRecord } from './json-guards.ts';
import { joinTextParts } from './message-text.ts';
import { inlineImageMediaType } from './inline-image-media-type.ts';
import { isDataUri, parseDataUri } from './parse-data-uri.ts';
import { hasCacheControl, partCacheControl } from './part-cache-control.ts';
import { parseToolArguments } from './parse-tool-arguments.ts';
import { ANTHROPIC_TOOL_USE_ID, providerToolUseId } from './provider-tool-use-id.ts';
import { unsupportedContentPart } from './request-input-error.ts';

export interface AnthropicMessages {
  /**
   * Every system message hoisted, joined with a blank line; absent when there is none. Text
   * blocks instead when a system part carries cache_control (the breakpoint needs its block).
   */
  system?: string | JsonRecord[];
  messages: JsonRecord[];
}

function imageBlock(url: string): JsonRecord {
  if (isDataUri(url)) {
    const { mediaType, base64 } = parseDataUri(url);
    return { type: 'image', source: { type: 'base64', media_type: inlineImageMediaType(mediaType, 'Anthropic'), data: base64 } };
  }
  return { type: 'image', source: { type: 'url', url } };
}

// Anthropic rejects empty text blocks, so they are dropped rather than sent.
function contentBlocks(parts: readonly (TextPart | UserContentPart)[]): JsonRecord[] {
  const blocks: JsonRecord[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      const cacheControl = partCacheControl(part);
      if (part.text) blocks.push(cacheControl ? { type: 'text', text: part.text, cache_control: cacheControl } : { type: 'text', text: part.text });
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
  return { type: 'thinking', thinking: block.thinking, signature: block.signature };
}

// Anthropic requires the signature of a thinking block sent back; an unsigned one came from
// another provider (or a model that does not sign) and is left out (engine-rules, Thinking).
function isReplayable(block: ThinkingBlock): boolean {
  return block.type === 'redacted_thinking' || typeof block.signature === 'string';
}

function isEmptyContent(content: string | JsonRecord[]): boolean {
  return content === '' || (Array.isArray(content) && content.length === 0);
}

// A tool result is one string unless it carries an image or a cache breakpoint, which need blocks.
function toolResultContent(content: ToolMessage['content']): string | JsonRecord[] {
  if (typeof content === 'string') return content;
  if (content.some((part) => part.type === 'image_url') || hasCacheControl(content)) return contentBlocks(content);
  return joinTextParts(content);
}

// System text is one string unless a part carries cache_control: then one text block per part.
function systemBlocks(messages: readonly SystemMessage[]): string | JsonRecord[] {
  if (!messages.some((message) => hasCacheControl(message.content))) return messages.map((message) => joinTextParts(message.content)).join('\n\n');
  return messages.flatMap<JsonRecord>((message) => (typeof message.content === 'string' ? (message.content ? [{ type: 'text', text: message.content }] : []) : contentBlocks(message.content)));
}

function assistantContent(message: AssistantMessage): string | JsonRecord[] {
  const thinking = (message.thinking_blocks ?? []).filter(isReplayable);
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
  const systemMessages: SystemMessage[] = [];
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
        content: toolResultContent(message.content),
      });
      continue;
    }
    flushToolResults();
    if (message.role === 'system') {
      systemMessages.push(message);
    } else if (message.role === 'user') {
      out.push({ role: 'user', content: typeof message.content === 'string' ? message.content : contentBlocks(message.content) });
    } else {
      // An assistant turn with nothing in it is refused by the API anywhere but last, and says
      // nothing when last: it is left out (engine-rules, Empty turns).
      const content = assistantContent(message);
      if (!isEmptyContent(content)) out.push({ role: 'assistant', content });
    }
  }
  flushToolResults();

  const result: AnthropicMessages = { messages: out };
  if (systemMessages.length > 0) result.system = systemBlocks(systemMessages);
  return result;
}
