// Canonical chat request → OpenAI Chat Completions body. The canonical shape *is* this wire shape
// (docs/contract.md "Canonical types"), so translation is a pass-through with the few removals docs/engine-rules.md lists.
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { DIALECTS } from '../../core/dialects/dialect-table.ts';
import type { ServerDialect } from '../../core/dialects/server-dialect.ts';
import { type ChatMessage, type ChatRequest, OPENAI_NATIVE_CHAT_FIELDS } from '../../core/types.ts';
import { nineAlphanumericIds } from '../canonical/nine-alphanumeric-ids.ts';

export type OpenAIChatBody = ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;

const OPTIONAL_FIELDS = OPENAI_NATIVE_CHAT_FIELDS;

/** The request rules of the provider's dialect (src/core/dialects); OpenAI's own by default. */
export type DialectRequestRules = ServerDialect['request'];

/** Tool-call ids as the dialect wants them sent (docs/engine-rules.md, "Server dialects"). */
function withDialectIds(message: ChatMessage, ids: ReadonlyMap<string, string> | undefined): ChatMessage {
  if (!ids) return message;
  if (message.role === 'tool') return { ...message, tool_call_id: ids.get(message.tool_call_id) ?? message.tool_call_id };
  if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) return message;
  return { ...message, tool_calls: message.tool_calls.map((call) => ({ ...call, id: ids.get(call.id) ?? call.id })) };
}

export function toOpenAIMessage(given: ChatMessage, rules: DialectRequestRules = DIALECTS.openai.request): ChatCompletionMessageParam {
  // A list of parts must have at least one (every message type of CreateChatCompletionRequest):
  // `[]` says what "" says, and OpenAI takes blank strings, so it goes as "".
  const message = (Array.isArray(given.content) && given.content.length === 0 ? { ...given, content: '' } : given) as ChatMessage;
  if (message.role !== 'assistant') return { ...message } as ChatCompletionMessageParam;
  // Thinking blocks are another provider's replay data; OpenAI-compatible servers reject them.
  const { thinking_blocks: _thinking, ...rest } = message;
  const out: Record<string, unknown> = { ...rest };
  // A server that refuses the field (Mistral: 422 extra_forbidden) gets the turn without it.
  if (
    out.reasoning_content === null ||
    out.reasoning_content === '' ||
    out.reasoning_content === undefined ||
    rules.reasoningHistory === 'omit'
  ) {
    delete out.reasoning_content;
  }
  if (!Array.isArray(out.tool_calls) || out.tool_calls.length === 0) delete out.tool_calls;
  return out as unknown as ChatCompletionMessageParam;
}

/** `extraBody` is the already-merged extra body (provider keys over call keys); `rules` the provider's dialect's. */
export function toOpenAIChatBody(
  request: ChatRequest,
  extraBody: Record<string, unknown>,
  rules: DialectRequestRules = DIALECTS.openai.request,
): OpenAIChatBody {
  const ids = rules.toolCallIds === 'nine-alphanumeric' ? nineAlphanumericIds(request.messages) : undefined;
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map((message) => toOpenAIMessage(withDialectIds(message, ids), rules)),
  };
  for (const key of OPTIONAL_FIELDS) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  if (rules.emptyTools === 'omit' && Array.isArray(body.tools) && body.tools.length === 0) delete body.tools;
  // Never validated client-side: servers accept vendor keys we cannot know about.
  Object.assign(body, extraBody);
  return body as OpenAIChatBody;
}
