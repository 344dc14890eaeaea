import type { ChatResponse, Choice, ResponseMessage, ToolCall, Usage } from '../core/types.ts';
import { asRecord, finiteNumber, isRecord, nonEmptyString, type JsonRecord } from './json-guards.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';
import { ResponseShapeError } from './response-shape-error.ts';
import { toolCallIdOrSynthesized } from './synthesize-tool-call-id.ts';

function contentText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.length > 0 ? raw : null;
  if (Array.isArray(raw)) {
    const text = raw
      .map((part) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
      .join('');
    return text.length > 0 ? text : null;
  }
  return null;
}

function canonicalArguments(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim() === '' ? '{}' : raw;
  if (raw === undefined || raw === null) return '{}';
  return JSON.stringify(raw);
}

function parseToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  // An entry that is not an object (a string, null) names no function and carries no arguments:
  // kept, it would become a nameless call that the next turn rejects. It is dropped, and the
  // index in a synthesised id is the position among the calls kept (as for Anthropic/Bedrock).
  return raw.filter(isRecord).map((call, index) => {
    const fn = asRecord(call.function) ?? {};
    const name = typeof fn.name === 'string' ? fn.name : '';
    const args = canonicalArguments(fn.arguments);
    return {
      id: toolCallIdOrSynthesized(call.id, index, name, args),
      type: 'function',
      function: { name, arguments: args },
    };
  });
}

function parseMessage(raw: JsonRecord): ResponseMessage {
  const message: ResponseMessage = {
    role: 'assistant',
    content: contentText(raw.content),
    // vLLM >= 0.11 and Cerebras renamed the field; DeepSeek and xAI keep the old name.
    reasoning_content: nonEmptyString(raw.reasoning) ?? nonEmptyString(raw.reasoning_content) ?? null,
  };
  const toolCalls = parseToolCalls(raw.tool_calls);
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
  const choices: Choice[] = root.choices.map((rawChoice, position) => {
    const choice = asRecord(rawChoice) ?? {};
    return {
      index: finiteNumber(choice.index) ?? position,
      message: parseMessage(asRecord(choice.message) ?? {}),
      finish_reason: mapOpenAIFinishReason(choice.finish_reason),
    };
  });
  const response: ChatResponse = { choices };
  if (typeof root.id === 'string') response.id = root.id;
  if (typeof root.model === 'string') response.model = root.model;
  const usage = asRecord(root.usage);
  if (usage) response.usage = parseUsage(usage);
  return response;
}
