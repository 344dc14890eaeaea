// Canonical chat request → OpenAI Chat Completions body. The canonical shape *is* this wire shape
// (docs/contract.md "Canonical types"), so translation is a pass-through with the few removals docs/engine-rules.md lists.
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { type ChatMessage, type ChatRequest, OPENAI_NATIVE_CHAT_FIELDS } from '../../core/types.ts';

export type OpenAIChatBody = ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;

const OPTIONAL_FIELDS = OPENAI_NATIVE_CHAT_FIELDS;

export function toOpenAIMessage(given: ChatMessage): ChatCompletionMessageParam {
  // A list of parts must have at least one (every message type of CreateChatCompletionRequest):
  // `[]` says what "" says, and OpenAI takes blank strings, so it goes as "".
  const message = (Array.isArray(given.content) && given.content.length === 0 ? { ...given, content: '' } : given) as ChatMessage;
  if (message.role !== 'assistant') return { ...message } as ChatCompletionMessageParam;
  // Thinking blocks are another provider's replay data; OpenAI-compatible servers reject them.
  const { thinking_blocks: _thinking, ...rest } = message;
  const out: Record<string, unknown> = { ...rest };
  if (out.reasoning_content === null || out.reasoning_content === '' || out.reasoning_content === undefined) {
    delete out.reasoning_content;
  }
  if (!Array.isArray(out.tool_calls) || out.tool_calls.length === 0) delete out.tool_calls;
  return out as unknown as ChatCompletionMessageParam;
}

/** `extraBody` is the already-merged extra body (provider keys over call keys). */
export function toOpenAIChatBody(request: ChatRequest, extraBody: Record<string, unknown>): OpenAIChatBody {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(toOpenAIMessage),
  };
  for (const key of OPTIONAL_FIELDS) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  // Never validated client-side: servers accept vendor keys we cannot know about.
  Object.assign(body, extraBody);
  return body as OpenAIChatBody;
}
