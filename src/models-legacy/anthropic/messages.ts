import type {
  AssistantMessage,
  ChatMessage,
  SystemMessage,
  TextPart,
  ThinkingBlock,
  ToolMessage,
  UserContentPart,
} from '../../core/types.ts';
import type { JsonRecord } from '../canonical/json-value.ts';
import { joinTextParts } from '../canonical/message-text.ts';
import { inlineImageMediaType } from '../canonical/inline-image-media-type.ts';
import { isDataUri, parseDataUri } from '../canonical/data-uri.ts';
import { hasCacheControl, partCacheControl } from '../canonical/part-cache-control.ts';
import { parseToolArguments } from '../canonical/tool-arguments.ts';
import { ANTHROPIC_TOOL_USE_ID } from '../canonical/wire-tool-use-id.ts';
import { badRequest, unsupportedContentPart } from '../canonical/request-input-error.ts';
import { isBlankText } from '../canonical/canonical-request-contract.ts';
import { ToolUseIdPairing, type WireTurnIds } from '../canonical/tool-use-id-pairing.ts';

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

// Anthropic rejects text blocks without non-whitespace text, so blank ones are dropped rather than sent.
function contentBlocks(parts: readonly (TextPart | UserContentPart)[]): JsonRecord[] {
  const blocks: JsonRecord[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      const cacheControl = partCacheControl(part);
      if (isBlankText(part.text)) continue;
      blocks.push(cacheControl ? { type: 'text', text: part.text, cache_control: cacheControl } : { type: 'text', text: part.text });
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
// Blank system text (and blank parts) sends nothing; `undefined` when no system text is left.
function systemBlocks(messages: readonly SystemMessage[]): string | JsonRecord[] | undefined {
  if (!messages.some((message) => hasCacheControl(message.content))) {
    const texts = messages
      .map(({ content }) => (typeof content === 'string' ? content : joinTextParts(content.filter((part) => !isBlankText(part.text)))))
      .filter((text) => !isBlankText(text));
    return texts.length > 0 ? texts.join('\n\n') : undefined;
  }
  const blocks = messages.flatMap<JsonRecord>((message) =>
    typeof message.content === 'string'
      ? isBlankText(message.content)
        ? []
        : [{ type: 'text', text: message.content }]
      : contentBlocks(message.content),
  );
  return blocks.length > 0 ? blocks : undefined;
}

function assistantContent(message: AssistantMessage, ids: ToolUseIdPairing): string | JsonRecord[] {
  const thinking = (message.thinking_blocks ?? []).filter(isReplayable);
  const toolCalls = message.tool_calls ?? [];
  if (thinking.length === 0 && toolCalls.length === 0) {
    if (Array.isArray(message.content)) return contentBlocks(message.content);
    return typeof message.content === 'string' && !isBlankText(message.content) ? message.content : '';
  }
  // With extended thinking the API insists on this order, and on thinking blocks sent unmodified.
  const blocks: JsonRecord[] = thinking.map(thinkingBlock);
  if (typeof message.content === 'string') {
    if (!isBlankText(message.content)) blocks.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    blocks.push(...contentBlocks(message.content));
  }
  for (const call of toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: ids.callId(call.id),
      name: call.function.name,
      input: parseToolArguments(call.id, call.function.arguments),
    });
  }
  return blocks;
}

// A user message with no non-blank text and no image would be refused by the API: refused here, naming it.
function userContent(content: string | UserContentPart[], index: number): string | JsonRecord[] {
  const converted = typeof content === 'string' ? content : contentBlocks(content);
  if (typeof converted === 'string' ? isBlankText(converted) : converted.length === 0) {
    throw badRequest(
      `message ${index} (user) has no non-blank text or image, and Anthropic refuses blank text`,
      `Give message ${index} some text (or an image), or remove it from the conversation.`,
    );
  }
  return converted;
}

function turnIds(turn: JsonRecord): WireTurnIds {
  const blocks = Array.isArray(turn.content) ? (turn.content as JsonRecord[]) : [];
  return {
    calls: blocks.filter((block) => block.type === 'tool_use').map((block) => String(block.id)),
    results: blocks.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)),
  };
}

export function convertToAnthropicMessages(messages: readonly ChatMessage[]): AnthropicMessages {
  const ids = new ToolUseIdPairing(ANTHROPIC_TOOL_USE_ID);
  const systemMessages: SystemMessage[] = [];
  const out: JsonRecord[] = [];
  let toolResults: JsonRecord[] = [];

  // Anthropic has no tool role: a run of tool messages becomes one user turn of tool_result blocks.
  const flushToolResults = (): void => {
    if (toolResults.length === 0) return;
    out.push({ role: 'user', content: toolResults });
    toolResults = [];
  };

  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      toolResults.push({
        type: 'tool_result',
        tool_use_id: ids.resultId(message.tool_call_id, index),
        content: toolResultContent(message.content),
      });
      continue;
    }
    flushToolResults();
    if (message.role === 'system') {
      systemMessages.push(message);
    } else if (message.role === 'user') {
      out.push({ role: 'user', content: userContent(message.content, index) });
    } else {
      // An assistant turn with nothing in it is refused by the API anywhere but last, and says
      // nothing when last: it is left out (engine-rules, Empty turns).
      ids.startAssistantTurn(index);
      const content = assistantContent(message, ids);
      if (!isEmptyContent(content)) out.push({ role: 'assistant', content });
    }
  }
  flushToolResults();
  ids.checkTurns(out.map(turnIds), 'Anthropic');

  const result: AnthropicMessages = { messages: out };
  const system = systemBlocks(systemMessages);
  if (system !== undefined) result.system = system;
  return result;
}
