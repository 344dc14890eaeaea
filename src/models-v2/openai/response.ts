// OpenAI-compatible chat completion → canonical response (docs/contract.md "Canonical types", docs/engine-rules.md).
// Typed by the SDK's `ChatCompletion`, but read defensively: compatible servers add fields
// (`reasoning`, `reasoning_content`) and leave others out.
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ChatResponse, Choice, FinishReason, ToolCall, Usage } from '../../core/types.ts';
import { type ErrorSubject, malformedResponseError } from '../retry/failure-classification.ts';
import { finishReasonOutsideMap } from '../canonical/finish-reason-fallback.ts';
import { toolCallIdOr } from '../canonical/tool-call-ids.ts';
import { isRecord } from '../canonical/json-value.ts';

type WireMessage = Partial<ChatCompletion.Choice['message']> & {
  content?: unknown;
  reasoning?: unknown;
  reasoning_content?: unknown;
  tool_calls?: unknown;
  refusal?: unknown;
  function_call?: unknown;
};

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'tool_calls',
};

function textOf(content: unknown): string | null {
  let text = '';
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    text = content
      .filter((part) => isRecord(part) && part.type === 'text' && typeof part.text === 'string')
      .map((part) => (part as { text: string }).text)
      .join('');
  }
  return text === '' ? null : text;
}

function reasoningOf(message: WireMessage): string | null {
  if (typeof message.reasoning === 'string' && message.reasoning !== '') return message.reasoning;
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') return message.reasoning_content;
  return null;
}

function argumentsOf(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim() === '' ? '{}' : raw;
  if (raw === undefined || raw === null) return '{}';
  return JSON.stringify(raw);
}

/** A function call names itself in `function`; a custom tool call in `custom` ({name, input}: free text). */
function nameAndArguments(call: Record<string, unknown>): { name: string; args: string } {
  const source = call.type === 'custom' ? call.custom : call.function;
  const payload = isRecord(source) ? source : {};
  const name = typeof payload.name === 'string' ? payload.name : '';
  return { name, args: argumentsOf(call.type === 'custom' ? payload.input : payload.arguments) };
}

function toolCallsOf(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((call, index) => {
    const { name, args } = nameAndArguments(call);
    return { id: toolCallIdOr(call.id, index, name, args), type: 'function', function: { name, arguments: args } };
  });
}

/** The deprecated `function_call` (finish_reason "function_call"): one call, no id of its own. */
function functionCallOf(raw: unknown): ToolCall[] {
  if (!isRecord(raw) || typeof raw.name !== 'string' || raw.name === '') return [];
  const args = argumentsOf(raw.arguments);
  return [{ id: toolCallIdOr(undefined, 0, raw.name, args), type: 'function', function: { name: raw.name, arguments: args } }];
}

function refusalOf(message: WireMessage): string | null {
  return typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : null;
}

function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const prompt = num(raw.prompt_tokens);
  const completion = num(raw.completion_tokens);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof raw.total_tokens === 'number' ? raw.total_tokens : prompt + completion,
  };
  const reasoning = isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details.reasoning_tokens : undefined;
  if (typeof reasoning === 'number') usage.reasoning_tokens = reasoning;
  const cached = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details.cached_tokens : undefined;
  if (typeof cached === 'number') usage.cached_prompt_tokens = cached;
  return usage;
}

export function fromOpenAIChatCompletion(raw: unknown, subject: ErrorSubject): ChatResponse {
  if (!isRecord(raw) || !Array.isArray(raw.choices)) throw malformedResponseError(subject, 'chat completion');
  // No choice is no answer (engine-rules, "Responses the canonical type cannot represent"): an
  // empty success would reach the caller as if the model had answered nothing.
  if (raw.choices.length === 0) throw malformedResponseError(subject, 'chat completion: it has no choices ("choices": [])');
  const completion = raw as Partial<ChatCompletion> & Record<string, unknown>;
  const choices: Choice[] = (raw.choices as unknown[]).map((rawChoice, position) => {
    const choice = isRecord(rawChoice) ? rawChoice : {};
    const message: WireMessage = isRecord(choice.message) ? choice.message : {};
    const listed = toolCallsOf(message.tool_calls);
    const toolCalls = listed.length > 0 ? listed : functionCallOf(message.function_call);
    // A structured-outputs refusal: its text replaces the null content, and the turn was filtered.
    const refusal = refusalOf(message);
    const mapped =
      typeof choice.finish_reason === 'string' && Object.hasOwn(FINISH_REASONS, choice.finish_reason)
        ? FINISH_REASONS[choice.finish_reason]
        : undefined;
    const finish: FinishReason = refusal !== null ? 'content_filter' : (mapped ?? finishReasonOutsideMap(toolCalls.length));
    return {
      index: typeof choice.index === 'number' ? choice.index : position,
      message: {
        role: 'assistant',
        content: textOf(message.content) ?? refusal,
        reasoning_content: reasoningOf(message),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finish_reason: finish,
    };
  });
  const response: ChatResponse = { choices };
  if (typeof completion.id === 'string') response.id = completion.id;
  if (typeof completion.model === 'string') response.model = completion.model;
  const usage = usageOf(completion.usage);
  if (usage) response.usage = usage;
  return response;
}
