import type {
  AssistantMessage,
  CacheControl,
  ChatMessage,
  TextPart,
  ThinkingBlock,
  ToolMessage,
  UserContentPart,
} from '../../core/types.ts';
import { isRecord, type JsonRecord } from '../canonical/json-value.ts';
import { joinTextParts } from '../canonical/message-text.ts';
import { inlineImageMediaType } from '../canonical/inline-image-media-type.ts';
import { isDataUri, parseDataUri } from '../canonical/data-uri.ts';
import { hasCacheControl, partCacheControl } from '../canonical/part-cache-control.ts';
import { appendBedrockTurn } from './turn-merge.ts';
import { parseToolArguments } from '../canonical/tool-arguments.ts';
import { BEDROCK_TOOL_USE_ID } from '../canonical/wire-tool-use-id.ts';
import { badRequest, unsupportedCapability, unsupportedContentPart } from '../canonical/request-input-error.ts';
import { isBlankText } from '../canonical/canonical-request-contract.ts';
import { ToolUseIdPairing, type WireTurnIds } from '../canonical/tool-use-id-pairing.ts';

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
  if (typeof content === 'string') return isBlankText(content) ? [] : [{ text: content }];
  const blocks: JsonRecord[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      const cacheControl = partCacheControl(part);
      // Converse refuses blank text blocks: a blank part is left out with its cache point.
      if (isBlankText(part.text)) continue;
      blocks.push({ text: part.text });
      if (cacheControl) blocks.push(cachePoint(cacheControl));
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
  const text = typeof content === 'string' ? content : joinTextParts(content.filter((part) => !isBlankText(part.text)));
  if (isBlankText(text)) return [];
  const marked =
    typeof content === 'string'
      ? undefined
      : content
          .map(partCacheControl)
          .filter((c) => c !== undefined)
          .at(-1);
  return marked ? [{ text }, cachePoint(marked)] : [{ text }];
}

function reasoningBlock(block: ThinkingBlock): JsonRecord {
  if (block.type === 'redacted_thinking') return { reasoningContent: { redactedContent: block.data } };
  const reasoningText: JsonRecord = { text: block.thinking };
  if (block.signature !== undefined) reasoningText.signature = block.signature;
  return { reasoningContent: { reasoningText } };
}

function assistantBlocks(message: AssistantMessage, ids: ToolUseIdPairing): JsonRecord[] {
  const blocks: JsonRecord[] = (message.thinking_blocks ?? []).map(reasoningBlock);
  if (message.content) blocks.push(...contentBlocks(message.content));
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      toolUse: { toolUseId: ids.callId(call.id), name: call.function.name, input: parseToolArguments(call.id, call.function.arguments) },
    });
  }
  return blocks;
}

// A user message with no non-blank text and no image would be refused by Converse: refused here, naming it.
function userBlocks(content: string | readonly UserContentPart[], index: number): JsonRecord[] {
  const blocks = contentBlocks(content);
  if (blocks.length === 0) {
    throw badRequest(
      `message ${index} (user) has no non-blank text or image, and Bedrock Converse refuses blank text`,
      `Give message ${index} some text (or an image), or remove it from the conversation.`,
    );
  }
  return blocks;
}

function turnIds(turn: JsonRecord): WireTurnIds {
  const blocks = turn.content as JsonRecord[];
  const ids = (key: 'toolUse' | 'toolResult'): string[] =>
    blocks.flatMap((block) => (isRecord(block[key]) ? [String(block[key].toolUseId)] : []));
  return { calls: ids('toolUse'), results: ids('toolResult') };
}

export function convertToBedrockMessages(messages: readonly ChatMessage[]): BedrockMessages {
  const ids = new ToolUseIdPairing(BEDROCK_TOOL_USE_ID);
  const system: JsonRecord[] = [];
  const systemMessages: (string | readonly TextPart[])[] = [];
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
        toolResult: { toolUseId: ids.resultId(message.tool_call_id, index), content: toolResultContent(message.content) },
      });
      continue;
    }
    flushToolResults();
    if (message.role === 'system') {
      systemMessages.push(message.content);
    } else if (message.role === 'user') {
      appendBedrockTurn(out, 'user', userBlocks(message.content, index), index);
    } else {
      if ((message.tool_calls ?? []).length > 0) hasToolHistory = true;
      // Converse refuses a message with empty content: an assistant turn with nothing in it is
      // left out (engine-rules, Empty turns).
      ids.startAssistantTurn(index);
      const blocks = assistantBlocks(message, ids);
      if (blocks.length > 0) appendBedrockTurn(out, 'assistant', blocks, index);
    }
  }
  flushToolResults();
  ids.checkTurns(out.map(turnIds), 'Bedrock Converse');
  // System messages are hoisted, and translated after the turns as the other engine and Anthropic
  // do (engine-rules, "Canonical request contract", Check order).
  for (const content of systemMessages) system.push(...systemBlocks(content));

  const result: BedrockMessages = { messages: out, hasToolHistory };
  if (system.length > 0) result.system = system;
  return result;
}
