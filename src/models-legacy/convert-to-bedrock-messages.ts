import type { AssistantMessage, ChatMessage, TextPart, ThinkingBlock, UserContentPart } from '../core/types.ts';
import type { JsonRecord } from './json-guards.ts';
import { joinTextParts } from './message-text.ts';
import { isDataUri, parseDataUri } from './parse-data-uri.ts';
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
  const format = mediaType.includes('/') ? mediaType.slice(mediaType.indexOf('/') + 1) : mediaType;
  return { image: { format, source: { bytes: base64 } } };
}

function contentBlocks(content: string | readonly (TextPart | UserContentPart)[]): JsonRecord[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  const blocks: JsonRecord[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text) blocks.push({ text: part.text });
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url));
    } else {
      // Dropping an audio/video/file part would silently change the prompt.
      throw unsupportedContentPart((part as { type: unknown }).type, 'Bedrock Converse');
    }
  }
  return blocks;
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
        toolResult: { toolUseId: providerToolUseId(message.tool_call_id, BEDROCK_TOOL_USE_ID), content: [{ text: joinTextParts(message.content) }] },
      });
      continue;
    }
    flushToolResults();
    if (message.role === 'system') {
      system.push({ text: joinTextParts(message.content) });
    } else if (message.role === 'user') {
      appendBedrockTurn(out, 'user', contentBlocks(message.content), index);
    } else {
      if ((message.tool_calls ?? []).length > 0) hasToolHistory = true;
      appendBedrockTurn(out, 'assistant', assistantBlocks(message), index);
    }
  }
  flushToolResults();

  const result: BedrockMessages = { messages: out, hasToolHistory };
  if (system.length > 0) result.system = system;
  return result;
}
