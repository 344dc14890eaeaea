// The oracle of the generated response suite: what docs/engine-rules.md ("Canonical response
// shape", "Embeddings", "Responses the canonical type cannot represent") says a response body
// must become — written here a third time, from the rules, never from either engine. A body the
// canonical type cannot represent must be an error; any other must be read conserving what it
// said: text, tool calls, reasoning, usage numbers, the mapped finish reason.
import { createHash } from 'node:crypto';
import type { ChatResponse, EmbeddingResponse, FinishReason, ThinkingBlock, ToolCall, Usage } from '../../../src/core/types.ts';
import type { ChatCase, EmbeddingCase, ResponseCase } from './response-bodies.ts';

export type Expected =
  | { kind: 'ok'; response: ChatResponse | EmbeddingResponse }
  /**
   * `why`: what makes the answer unrepresentable (a 2xx of the wrong shape → ModelAPIError), or
   * what makes it a failure (a choice the server interrupted → ModelInternalServerError, issue 30).
   */
  | { kind: 'error'; type: 'ModelAPIError' | 'ModelInternalServerError'; why: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function callId(raw: unknown, index: number, name: string, args: string): string {
  if (typeof raw === 'string' && raw !== '') return raw;
  return `call_${createHash('sha256').update(`${index}:${name}:${args}`).digest('hex').slice(0, 16)}`;
}

function toolCall(rawId: unknown, index: number, name: string, args: string): ToolCall {
  return { id: callId(rawId, index, name, args), type: 'function', function: { name, arguments: args } };
}

function thinking(text: string, signature: unknown): ThinkingBlock {
  return { type: 'thinking', thinking: text, ...(typeof signature === 'string' ? { signature } : {}) };
}

const textPart = (p: unknown): string => (isObject(p) && p.type === 'text' && typeof p.text === 'string' ? p.text : '');

function fallback(hasCalls: boolean): FinishReason {
  return hasCalls ? 'tool_calls' : 'stop';
}

const OPENAI_FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'tool_calls',
};
/** DeepSeek's and OpenRouter's finish reasons for a generation the server interrupted. */
const INTERRUPTED_FINISH = new Set(['insufficient_system_resource', 'error']);
const ANTHROPIC_FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};
const BEDROCK_FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};
function mapped(table: Record<string, FinishReason>, raw: unknown, hasCalls: boolean): FinishReason {
  return typeof raw === 'string' && Object.hasOwn(table, raw) ? table[raw] : fallback(hasCalls);
}

function openaiArguments(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim() === '' ? '{}' : raw;
  if (raw === undefined || raw === null) return '{}';
  return JSON.stringify(raw);
}

function openaiText(content: unknown): string | null {
  let joined = '';
  if (typeof content === 'string') joined = content;
  else if (Array.isArray(content)) joined = content.map(textPart).join('');
  return joined === '' ? null : joined;
}

function openaiChat(body: unknown): Expected {
  if (!isObject(body) || !Array.isArray(body.choices)) return { kind: 'error', type: 'ModelAPIError', why: 'no choices array' };
  if (body.choices.length === 0) return { kind: 'error', type: 'ModelAPIError', why: 'choices: [] (no answer to represent)' };
  // engine-rules "A 2xx body decides": a choice the server cut off makes the whole answer a server failure.
  const interrupted = body.choices.find((c) => isObject(c) && INTERRUPTED_FINISH.has(c.finish_reason as string));
  if (isObject(interrupted)) {
    const why = `a choice the server interrupted (finish_reason ${JSON.stringify(interrupted.finish_reason)})`;
    return { kind: 'error', type: 'ModelInternalServerError', why };
  }
  const choices = body.choices.map((raw, position) => {
    const choice = isObject(raw) ? raw : {};
    const message = isObject(choice.message) ? choice.message : {};
    let calls: ToolCall[] = (Array.isArray(message.tool_calls) ? message.tool_calls : []).filter(isObject).map((call, index) => {
      const payload = call.type === 'custom' ? call.custom : call.function;
      const p = isObject(payload) ? payload : {};
      const name = typeof p.name === 'string' ? p.name : '';
      const args = openaiArguments(call.type === 'custom' ? p.input : p.arguments);
      return { id: callId(call.id, index, name, args), type: 'function', function: { name, arguments: args } };
    });
    if (calls.length === 0 && isObject(message.function_call) && nonEmpty(message.function_call.name)) {
      const name = message.function_call.name as string;
      const args = openaiArguments(message.function_call.arguments);
      calls = [{ id: callId(undefined, 0, name, args), type: 'function', function: { name, arguments: args } }];
    }
    const refusal = nonEmpty(message.refusal);
    return {
      index: num(choice.index) ?? position,
      message: {
        role: 'assistant' as const,
        content: openaiText(message.content) ?? refusal ?? null,
        reasoning_content: nonEmpty(message.reasoning) ?? nonEmpty(message.reasoning_content) ?? null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      },
      finish_reason: refusal !== undefined ? 'content_filter' : mapped(OPENAI_FINISH, choice.finish_reason, calls.length > 0),
    };
  });
  const response: ChatResponse = { choices };
  if (typeof body.id === 'string') response.id = body.id;
  if (typeof body.model === 'string') response.model = body.model;
  if (isObject(body.usage)) {
    const u = body.usage;
    const prompt = num(u.prompt_tokens) ?? 0;
    const completion = num(u.completion_tokens) ?? 0;
    const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(u.total_tokens) ?? prompt + completion };
    const reasoning = isObject(u.completion_tokens_details) ? num(u.completion_tokens_details.reasoning_tokens) : undefined;
    if (reasoning !== undefined) usage.reasoning_tokens = reasoning;
    const cached = isObject(u.prompt_tokens_details) ? num(u.prompt_tokens_details.cached_tokens) : undefined;
    if (cached !== undefined) usage.cached_prompt_tokens = cached;
    response.usage = usage;
  }
  return { kind: 'ok', response };
}

interface Blocks {
  text: string;
  reasoning: string[];
  thinking: ThinkingBlock[];
  calls: ToolCall[];
}

function singleChoice(blocks: Blocks, finish: (hasCalls: boolean) => FinishReason): ChatResponse {
  const reasoning = blocks.reasoning.join('\n');
  return {
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: blocks.text === '' ? null : blocks.text,
          reasoning_content: reasoning === '' ? null : reasoning,
          ...(blocks.calls.length > 0 ? { tool_calls: blocks.calls } : {}),
          ...(blocks.thinking.length > 0 ? { thinking_blocks: blocks.thinking } : {}),
        },
        finish_reason: finish(blocks.calls.length > 0),
      },
    ],
  };
}

/** Anthropic/Bedrock usage: the prompt count includes cache reads and writes. */
function cacheAwareUsage(input: unknown, output: unknown, cacheRead: unknown, cacheWrite: unknown, total: unknown): Usage {
  const read = num(cacheRead);
  const prompt = (num(input) ?? 0) + (read ?? 0) + (num(cacheWrite) ?? 0);
  const completion = num(output) ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(total) ?? prompt + completion };
  if (read !== undefined) usage.cached_prompt_tokens = read;
  return usage;
}

function anthropicChat(body: unknown): Expected {
  if (!isObject(body) || !Array.isArray(body.content)) return { kind: 'error', type: 'ModelAPIError', why: 'no content array' };
  const blocks: Blocks = { text: '', reasoning: [], thinking: [], calls: [] };
  for (const block of body.content.filter(isObject)) {
    if (block.type === 'text' && typeof block.text === 'string') blocks.text += block.text;
    else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      blocks.reasoning.push(block.thinking);
      blocks.thinking.push(thinking(block.thinking, block.signature));
    } else if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      blocks.thinking.push({ type: 'redacted_thinking', data: block.data });
    } else if (block.type === 'tool_use') {
      const name = typeof block.name === 'string' ? block.name : '';
      const args = JSON.stringify(block.input ?? {});
      blocks.calls.push(toolCall(block.id, blocks.calls.length, name, args));
    }
  }
  const response = singleChoice(blocks, (hasCalls) => mapped(ANTHROPIC_FINISH, body.stop_reason, hasCalls));
  if (typeof body.id === 'string') response.id = body.id;
  if (typeof body.model === 'string') response.model = body.model;
  if (isObject(body.usage)) {
    const u = body.usage;
    response.usage = cacheAwareUsage(u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens, undefined);
  }
  return { kind: 'ok', response };
}

function converseChat(body: unknown): Expected {
  if (!isObject(body) || !isObject(body.output)) return { kind: 'error', type: 'ModelAPIError', why: 'no output object' };
  const content = isObject(body.output.message) && Array.isArray(body.output.message.content) ? body.output.message.content : [];
  const blocks: Blocks = { text: '', reasoning: [], thinking: [], calls: [] };
  for (const block of content.filter(isObject)) {
    if (typeof block.text === 'string') blocks.text += block.text;
    else if (isObject(block.citationsContent)) {
      const parts = Array.isArray(block.citationsContent.content) ? block.citationsContent.content : [];
      for (const part of parts) if (isObject(part) && typeof part.text === 'string') blocks.text += part.text;
    } else if (isObject(block.toolUse)) {
      const use = block.toolUse;
      const name = typeof use.name === 'string' ? use.name : '';
      const args = JSON.stringify(use.input ?? {});
      blocks.calls.push(toolCall(use.toolUseId, blocks.calls.length, name, args));
    } else if (isObject(block.reasoningContent)) {
      const rc = block.reasoningContent;
      if (isObject(rc.reasoningText) && typeof rc.reasoningText.text === 'string') {
        const t = rc.reasoningText;
        blocks.reasoning.push(t.text as string);
        blocks.thinking.push(thinking(t.text as string, t.signature));
      }
      // The generator sends padded base64 only: the bytes re-encoded are the same string.
      if (typeof rc.redactedContent === 'string') {
        blocks.thinking.push({ type: 'redacted_thinking', data: Buffer.from(rc.redactedContent, 'base64').toString('base64') });
      }
    }
  }
  const response = singleChoice(blocks, (hasCalls) => mapped(BEDROCK_FINISH, body.stopReason, hasCalls));
  if (isObject(body.usage)) {
    const u = body.usage;
    response.usage = cacheAwareUsage(u.inputTokens, u.outputTokens, u.cacheReadInputTokens, u.cacheWriteInputTokens, u.totalTokens);
  }
  return { kind: 'ok', response };
}

function decodeFloat32(encoded: string): number[] | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

/** Count, emptiness and (when `dimensions` was asked) length: the rules every embedding answer must meet. */
function unrepresentable(vectors: readonly number[][], c: EmbeddingCase): string | undefined {
  if (vectors.length !== c.input.length) return `${vectors.length} vectors for ${c.input.length} texts`;
  const empty = vectors.findIndex((v) => v.length === 0);
  if (empty >= 0) return `vector ${empty} is empty`;
  if (c.dimensions !== undefined) {
    const wrong = vectors.findIndex((v) => v.length !== c.dimensions);
    if (wrong >= 0) return `vector ${wrong} has ${vectors[wrong].length} numbers, ${c.dimensions} dimensions were asked for`;
  }
  return undefined;
}

function embedding(c: EmbeddingCase): Expected {
  let vectors: number[][];
  let usage: EmbeddingResponse['usage'];
  let model: string | undefined;
  if (c.provider === 'openai') {
    const body = c.bodies[0] as Json;
    const items = (body.data as Json[]).map((item, position) => ({
      order: num(item.index) ?? position,
      vector: typeof item.embedding === 'string' ? decodeFloat32(item.embedding)! : (item.embedding as number[]),
    }));
    vectors = items.sort((a, b) => a.order - b.order).map((item) => item.vector);
    if (isObject(body.usage)) {
      const prompt = num(body.usage.prompt_tokens) ?? 0;
      usage = { prompt_tokens: prompt, total_tokens: num(body.usage.total_tokens) ?? prompt };
    }
    if (typeof body.model === 'string') model = body.model;
  } else if (c.model.includes('titan')) {
    const bodies = c.bodies as Json[];
    vectors = bodies.map((b) => b.embedding as number[]);
    const counts = bodies.map((b) => num(b.inputTextTokenCount));
    if (counts.every((n) => n !== undefined)) {
      const total = counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
      usage = { prompt_tokens: total, total_tokens: total };
    }
  } else {
    const body = c.bodies[0] as Json;
    vectors = (isObject(body.embeddings) ? body.embeddings.float : body.embeddings) as number[][];
    const header = c.tokenHeaders?.[0];
    if (header !== undefined && /^\d+$/.test(header.trim())) usage = { prompt_tokens: Number(header), total_tokens: Number(header) };
  }
  const why = unrepresentable(vectors, c);
  if (why !== undefined) return { kind: 'error', type: 'ModelAPIError', why };
  const response: EmbeddingResponse = { data: vectors.map((v, index) => ({ index, embedding: v })) };
  if (usage) response.usage = usage;
  if (model !== undefined) response.model = model;
  return { kind: 'ok', response };
}

/** What the case's answer must become. Bodies are judged as they travel: through JSON (read by JSON.parse). */
export function expectedOutcome(c: ResponseCase): Expected {
  if (c.operation === 'embedding') return embedding({ ...c, bodies: JSON.parse(JSON.stringify(c.bodies)) as unknown[] });
  const body = JSON.parse(typeof c.body === 'string' ? c.body : JSON.stringify(c.body)) as unknown;
  return chatOracle(c)(body);
}

function chatOracle(c: ChatCase): (body: unknown) => Expected {
  if (c.provider === 'openai') return openaiChat;
  if (c.provider === 'anthropic') return anthropicChat;
  return converseChat;
}
