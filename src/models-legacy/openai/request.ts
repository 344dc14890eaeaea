import { DIALECTS } from '../../core/dialects/dialect-table.ts';
import type { ServerDialect } from '../../core/dialects/server-dialect.ts';
import { type ChatMessage, type ChatRequest, OPENAI_NATIVE_CHAT_FIELDS } from '../../core/types.ts';
import { nineAlphanumericIds } from '../canonical/nine-alphanumeric-ids.ts';
import type { JsonRecord } from '../canonical/json-value.ts';
import { unsupportedCapability } from '../canonical/request-input-error.ts';
import { refuseUntakeableParts } from '../canonical/canonical-request-contract.ts';

// Canonical fields are OpenAI's own, so they pass through; only our bookkeeping keys are removed.
const PASSTHROUGH_FIELDS = OPENAI_NATIVE_CHAT_FIELDS;

/** What the provider's dialect changes in the request (src/core/dialects); OpenAI's own by default. */
export type DialectRequestRules = ServerDialect['request'];

function toOpenAIMessage(message: ChatMessage, index: number, rules: DialectRequestRules, ids?: ReadonlyMap<string, string>): JsonRecord {
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
  if (message.role !== 'assistant') {
    const out: JsonRecord = emptyParts ? { ...message, content: '' } : { ...message };
    if (message.role === 'tool' && ids) out.tool_call_id = ids.get(message.tool_call_id) ?? message.tool_call_id;
    return out;
  }
  const { thinking_blocks: _thinking, reasoning_content, tool_calls, ...rest } = message;
  const out: JsonRecord = { ...rest };
  if (emptyParts) out.content = '';
  // Mistral refuses the field in a request (422 extra_forbidden); DeepSeek needs it back.
  const sendsReasoning = rules.reasoningHistory === 'send';
  if (sendsReasoning && typeof reasoning_content === 'string' && reasoning_content.length > 0) out.reasoning_content = reasoning_content;
  if (Array.isArray(tool_calls) && tool_calls.length > 0) {
    out.tool_calls = ids ? tool_calls.map((call) => ({ ...call, id: ids.get(call.id) ?? call.id })) : tool_calls;
  }
  return out;
}

// System and tool message parts are text only in CreateChatCompletionRequest (images there have their own error).
const takesPart = (role: string, type: string): boolean =>
  (role !== 'system' && role !== 'tool') || type === 'text' || type === 'image_url';

export function convertToOpenAIChatBody(
  request: ChatRequest,
  model: string,
  extraBody: JsonRecord,
  rules: DialectRequestRules = DIALECTS.openai.request,
): JsonRecord {
  refuseUntakeableParts(request.messages, takesPart, 'OpenAI');
  const ids = rules.toolCallIds === 'nine-alphanumeric' ? nineAlphanumericIds(request.messages) : undefined;
  const body: JsonRecord = { model, messages: request.messages.map((message, index) => toOpenAIMessage(message, index, rules, ids)) };
  for (const field of PASSTHROUGH_FIELDS) {
    if (request[field] !== undefined) body[field] = request[field];
  }
  const emptyTools = Array.isArray(body.tools) && body.tools.length === 0;
  if (emptyTools && rules.emptyTools === 'omit') delete body.tools;
  // Never validated client-side: vendor servers accept keys we cannot know about.
  return { ...body, ...extraBody };
}
