import type { ChatResponse, Choice, ResponseMessage, ToolCall, Usage } from '../../core/types.ts';
import { asRecord, finiteNumber, isRecord, nonEmptyString, type JsonRecord } from '../canonical/json-value.ts';
import { mapOpenAIFinishReason } from './finish-reason.ts';
import { ResponseShapeError } from '../transport/response-shape-error.ts';
import { toolCallIdOrSynthesized } from '../canonical/tool-call-ids.ts';

function contentText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.length > 0 ? raw : null;
  if (Array.isArray(raw)) {
    const text = raw.map((part) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
    return text.length > 0 ? text : null;
  }
  return null;
}

function canonicalArguments(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim() === '' ? '{}' : raw;
  if (raw === undefined || raw === null) return '{}';
  return JSON.stringify(raw);
}

// A call's name and arguments: a function call's `function`, a custom tool call's `custom`
// ({name, input}: free text, kept as the arguments string verbatim).
function callPayload(call: JsonRecord): { name: string; args: string } {
  if (call.type === 'custom') {
    const custom = asRecord(call.custom) ?? {};
    return { name: typeof custom.name === 'string' ? custom.name : '', args: canonicalArguments(custom.input) };
  }
  const fn = asRecord(call.function) ?? {};
  return { name: typeof fn.name === 'string' ? fn.name : '', args: canonicalArguments(fn.arguments) };
}

function parseToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  // An entry that is not an object (a string, null) names no function and carries no arguments:
  // kept, it would become a nameless call that the next turn rejects. It is dropped, and the
  // index in a synthesised id is the position among the calls kept (as for Anthropic/Bedrock).
  return raw.filter(isRecord).map((call, index) => {
    const { name, args } = callPayload(call);
    return {
      id: toolCallIdOrSynthesized(call.id, index, name, args),
      type: 'function',
      function: { name, arguments: args },
    };
  });
}

// The deprecated single `function_call` (finish_reason "function_call") is one tool call with no id.
function legacyFunctionCall(raw: unknown): ToolCall[] {
  const fn = asRecord(raw);
  if (!fn || typeof fn.name !== 'string' || fn.name === '') return [];
  const args = canonicalArguments(fn.arguments);
  return [{ id: toolCallIdOrSynthesized(undefined, 0, fn.name, args), type: 'function', function: { name: fn.name, arguments: args } }];
}

function parseMessage(raw: JsonRecord): ResponseMessage {
  const message: ResponseMessage = {
    role: 'assistant',
    // A structured-outputs refusal carries its text in `refusal`, with `content` null.
    content: contentText(raw.content) ?? nonEmptyString(raw.refusal) ?? null,
    // vLLM >= 0.11 and Cerebras renamed the field; DeepSeek and xAI keep the old name.
    reasoning_content: nonEmptyString(raw.reasoning) ?? nonEmptyString(raw.reasoning_content) ?? null,
  };
  let toolCalls = parseToolCalls(raw.tool_calls);
  if (toolCalls.length === 0) toolCalls = legacyFunctionCall(raw.function_call);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function parseUsage(raw: JsonRecord): Usage {
  const prompt = finiteNumber(raw.prompt_tokens) ?? 0;
  const completion = finiteNumber(raw.completion_tokens) ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    // xAI and Gemini totals include reasoning that completion_tokens leaves out: keep theirs.
    total_tokens: finiteNumber(raw.total_tokens) ?? prompt + completion,
  };
  const reasoning = finiteNumber(asRecord(raw.completion_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoning_tokens = reasoning;
  const cached = finiteNumber(asRecord(raw.prompt_tokens_details)?.cached_tokens);
  if (cached !== undefined) usage.cached_prompt_tokens = cached;
  return usage;
}

export function parseOpenAIChatResponse(body: unknown): ChatResponse {
  const root = asRecord(body);
  if (!root || !Array.isArray(root.choices)) {
    throw new ResponseShapeError('an OpenAI-compatible chat response without a "choices" array');
  }
  // No choice is no answer: the canonical response has nothing to stand for it (engine-rules,
  // "Responses the canonical type cannot represent"), and an empty success would read as one.
  if (root.choices.length === 0) {
    throw new ResponseShapeError('an OpenAI-compatible chat response with no choices ("choices": [])');
  }
  const choices: Choice[] = root.choices.map((rawChoice, position) => {
    const choice = asRecord(rawChoice) ?? {};
    const rawMessage = asRecord(choice.message) ?? {};
    const message = parseMessage(rawMessage);
    const refused = nonEmptyString(rawMessage.refusal) !== undefined;
    return {
      index: finiteNumber(choice.index) ?? position,
      message,
      finish_reason: refused ? 'content_filter' : mapOpenAIFinishReason(choice.finish_reason, message.tool_calls !== undefined),
    };
  });
  const response: ChatResponse = { choices };
  if (typeof root.id === 'string') response.id = root.id;
  if (typeof root.model === 'string') response.model = root.model;
  const usage = asRecord(root.usage);
  if (usage) response.usage = parseUsage(usage);
  return response;
}
