import { type ChatMessage, type ChatRequest, OPENAI_NATIVE_CHAT_FIELDS } from '../../core/types.ts';
import type { JsonRecord } from '../canonical/json-value.ts';
import { unsupportedCapability } from '../canonical/request-input-error.ts';
import { refuseUntakeableParts } from '../canonical/canonical-request-contract.ts';

// Canonical fields are OpenAI's own, so they pass through; only our bookkeeping keys are removed.
const PASSTHROUGH_FIELDS = OPENAI_NATIVE_CHAT_FIELDS;

function toOpenAIMessage(message: ChatMessage, index: number): JsonRecord {
  // OpenAI tool messages take text parts only (ChatCompletionRequestToolMessageContentPart).
  if (message.role === 'tool' && Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url')) {
    throw unsupportedCapability(
      `messages[${index}] is a tool message with an image, and OpenAI tool messages take text only`,
      'Return the image in a user message after the tool results (or send the tool result as text).',
    );
  }
  // CreateChatCompletionRequest takes a string or a non-empty list of parts: an empty list is
  // the same as no text, and OpenAI takes "" (engine-rules, "Canonical request contract").
  const emptyParts = Array.isArray(message.content) && message.content.length === 0;
  if (message.role !== 'assistant') return emptyParts ? { ...message, content: '' } : { ...message };
  const { thinking_blocks: _thinking, reasoning_content, tool_calls, ...rest } = message;
  const out: JsonRecord = { ...rest };
  if (emptyParts) out.content = '';
  if (typeof reasoning_content === 'string' && reasoning_content.length > 0) out.reasoning_content = reasoning_content;
  if (Array.isArray(tool_calls) && tool_calls.length > 0) out.tool_calls = tool_calls;
  return out;
}

// System and tool message parts are text only in CreateChatCompletionRequest (images there have their own error).
const takesPart = (role: string, type: string): boolean =>
  (role !== 'system' && role !== 'tool') || type === 'text' || type === 'image_url';

export function convertToOpenAIChatBody(request: ChatRequest, model: string, extraBody: JsonRecord): JsonRecord {
  refuseUntakeableParts(request.messages, takesPart, 'OpenAI');
  const body: JsonRecord = { model, messages: request.messages.map(toOpenAIMessage) };
  for (const field of PASSTHROUGH_FIELDS) {
    if (request[field] !== undefined) body[field] = request[field];
  }
  // Never validated client-side: vendor servers accept keys we cannot know about.
  return { ...body, ...extraBody };
}
