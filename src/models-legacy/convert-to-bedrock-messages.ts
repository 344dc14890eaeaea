import type { AssistantMessage, CacheControl, ChatMessage, TextPart, ThinkingBlock, ToolMessage, UserContentPart } from '../core/types.ts';
import type { JsonRecord } from './json-guards.ts';
import { joinTextParts } from './message-text.ts';
import { inlineImageMediaType } from './inline-image-media-type.ts';
import { isDataUri, parseDataUri } from './parse-data-uri.ts';
import { hasCacheControl, partCacheControl } from './part-cache-control.ts';
import { appendBedrockTurn } from './bedrock-turns.ts';
import { parseToolArguments } from './parse-tool-arguments.ts';
import { BEDROCK_TOOL_USE_ID, providerToolUseId } from './provider-tool-use-id.ts';
import { unsupportedCapability, unsupportedContentPart } from './request-input-error.ts';

export interface BedrockMessages {
  /** One `{text}` block per system message; absent when there is none. */
  system?: JsonRecord[];
  messages: JsonRecord[];
  /** Whether the history holds toolUse/toolResult blocks (Converse then requires toolConfig). */
  hasToolHistory: boolean;
}

function imageBlock(url: string): JsonRecord {
  // Converse only takes inline bytes; it never fetches URLs.
  if (!isDataUri(url)) {
    throw unsupportedCapability(
      'Bedrock Converse accepts images only as inline bytes, not as http(s) URLs',
      'Download the image and pass it as a base64 data URI ("data:image/png;base64,...").',
    );
  }
  const { mediaType, base64 } = parseDataUri(url);
  // ImageFormat is the subtype of an accepted media type: image/jpg goes as "jpeg".
  const format = inlineImageMediaType(mediaType, 'Bedrock Converse').slice('image/'.length);
  return { image: { format, source: { bytes: base64 } } };
}

// Anthropic's cache_control on a part is a cachePoint block right after that part's block.
function cachePoint(cacheControl: CacheControl): JsonRecord {
  return { cachePoint: cacheControl.ttl === undefined ? { type: 'default' } : { type: 'default', ttl: cacheControl.ttl } };
}

function contentBlocks(content: string | readonly (TextPart | UserContentPart)[]): JsonRecord[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  const blocks: JsonRecord[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      const cacheControl = partCacheControl(part);
      if (part.text) blocks.push({ text: part.text });
      if (part.text && cacheControl) blocks.push(cachePoint(cacheControl));
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url));
    } else {
      // Dropping an audio/video/file part would silently change the prompt.
      throw unsupportedContentPart((part as { type: unknown }).type, 'Bedrock Converse');
    }
  }
  return blocks;
}

// A tool result is one text block unless it carries images: then one block per part. Converse has
// no cache point inside a tool-result turn (ToolResultContentBlock has none, and the turn takes
// nothing but toolResult blocks), so a breakpoint there is refused rather than dropped.
function toolResultContent(content: ToolMessage['content']): JsonRecord[] {
  if (hasCacheControl(content)) {
    throw unsupportedCapability(
      'Bedrock Converse cannot place a cache point inside a tool result (cache_control on a tool message part)',
      'Put cache_control on a part of the next user or assistant message instead.',
    );
  }
  if (typeof content !== 'string' && content.some((part) => part.type === 'image_url')) return contentBlocks(content);
  return [{ text: joinTextParts(content) }];
}

// A system prompt is text only, and Converse's SystemContentBlock.text is a NonEmptyString.
function systemBlocks(content: string | readonly TextPart[]): JsonRecord[] {
  const text = joinTextParts(content);
  if (!text) return [];
  const marked = typeof content === 'string' ? undefined : content.map(partCacheControl).filter((c) => c !== undefined).at(-1);
  return marked ? [{ text }, cachePoint(marked)] : [{ text }];
}

function reasoningBlock(block: ThinkingBlock): JsonRecord {
  if (block.type === 'redacted_thinking') return { reasoningContent: { redactedContent: block.data } };
  const reasoningText: JsonRecord = { text: block.thinking };
  if (block.signature !== undefined) reasoningText.signature = block.signature;
  return { reasoningContent: { reasoningText } };
}

function assistantBlocks(message: AssistantMessage): JsonRecord[] {
  const blocks: JsonRecord[] = (message.thinking_blocks ?? []).map(reasoningBlock);
  if (message.content) blocks.push(...contentBlocks(message.content));
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      toolUse: { toolUseId: providerToolUseId(call.id, BEDROCK_TOOL_USE_ID), name: call.function.name, input: parseToolArguments(call.id, call.function.arguments) },
    });
  }
  return blocks;
}

export function convertToBedrockMessages(messages: readonly ChatMessage[]): BedrockMessages {
  const system: JsonRecord[] = [];
  const out: JsonRecord[] = [];
  let toolResults: JsonRecord[] = [];
  let hasToolHistory = false;

  let toolResultsIndex = 0;
  const flushToolResults = (): void => {
    if (toolResults.length === 0) return;
    appendBedrockTurn(out, 'user', toolResults, toolResultsIndex);
    toolResults = [];
  };

  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      hasToolHistory = true;
      if (toolResults.length === 0) toolResultsIndex = index;
      toolResults.push({
        toolResult: { toolUseId: providerToolUseId(message.tool_call_id, BEDROCK_TOOL_USE_ID), content: toolResultContent(message.content) },
      });
      continue;
    }
    flushToolResults();
    if (message.role === 'system') {
      system.push(...systemBlocks(message.content));
    } else if (message.role === 'user') {
      appendBedrockTurn(out, 'user', contentBlocks(message.content), index);
    } else {
      if ((message.tool_calls ?? []).length > 0) hasToolHistory = true;
      // Converse refuses a message with empty content: an assistant turn with nothing in it is
      // left out (engine-rules, Empty turns).
      const blocks = assistantBlocks(message);
      if (blocks.length > 0) appendBedrockTurn(out, 'assistant', blocks, index);
    }
  }
  flushToolResults();

  const result: BedrockMessages = { messages: out, hasToolHistory };
  if (system.length > 0) result.system = system;
  return result;
}
