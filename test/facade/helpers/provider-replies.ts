// Real-shaped provider responses (shapes from ../shared/wire-corpus: openai chat_tool_call_single
// and compat_deepseek_tool_call_reasoning, anthropic thinking_block_replayed_with_tool_result,
// bedrock converse_reasoning_with_tool_use) and how each provider's request body is read back.
import type { ProviderType } from '../../../src/core/types.ts';
import type { ScriptedReply } from './scripted-provider.ts';

export interface ScriptedToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface Turn {
  text?: string | null;
  toolCalls?: ScriptedToolCall[];
  /** OpenAI-compatible reasoning_content, Anthropic thinking, Bedrock reasoningText. */
  reasoning?: string;
  /** Thinking signature (Anthropic, Bedrock). */
  signature?: string;
  /** Redacted reasoning blob (Anthropic redacted_thinking data, Bedrock redactedContent). */
  redacted?: string;
  finish?: 'stop' | 'length' | 'tool_calls' | 'context_window';
  usage?: { input: number; output: number; reasoning?: number; total?: number };
}

export interface ProviderKit {
  type: ProviderType;
  model: string;
  endpoint(serverUrl: string): string;
  chatPath: string;
  reply(turn: Turn): ScriptedReply;
  /** The conversation messages of a received request body, in the provider's own shape. */
  messages(body: any): any[];
  /** Names of the tools advertised in a received request body. */
  toolNames(body: any): string[];
}

const openaiFinish = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', context_window: 'length' } as const;

export const openaiKit: ProviderKit = {
  type: 'openai',
  model: 'gpt-4.1-mini',
  endpoint: (url) => `${url}/v1`,
  chatPath: '/v1/chat/completions',
  reply(turn) {
    const toolCalls = turn.toolCalls?.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.args) },
    }));
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: turn.text === undefined ? (toolCalls ? null : '') : turn.text,
      refusal: null,
      annotations: [],
    };
    if (turn.reasoning) message.reasoning_content = turn.reasoning;
    if (toolCalls) message.tool_calls = toolCalls;
    const body: Record<string, unknown> = {
      id: 'chatcmpl-BMxEwRA0p0gJ52oKS7806KAlfMhqq',
      object: 'chat.completion',
      created: 1744810634,
      model: 'gpt-4.1-mini-2025-04-14',
      choices: [
        {
          index: 0,
          message,
          logprobs: null,
          finish_reason: openaiFinish[turn.finish ?? (toolCalls ? 'tool_calls' : 'stop')],
        },
      ],
      service_tier: 'default',
      system_fingerprint: 'fp_38647f5e19',
    };
    if (turn.usage) {
      body.usage = {
        prompt_tokens: turn.usage.input,
        completion_tokens: turn.usage.output,
        total_tokens: turn.usage.total ?? turn.usage.input + turn.usage.output,
        prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
        completion_tokens_details: {
          accepted_prediction_tokens: 0,
          audio_tokens: 0,
          reasoning_tokens: turn.usage.reasoning ?? 0,
          rejected_prediction_tokens: 0,
        },
      };
    }
    return { headers: { 'openai-processing-ms': '490', 'openai-version': '2020-10-01' }, body };
  },
  messages: (body) => body.messages,
  toolNames: (body) => (body.tools ?? []).map((t: any) => t.function.name),
};

const anthropicStop = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  context_window: 'model_context_window_exceeded',
} as const;

export const anthropicKit: ProviderKit = {
  type: 'anthropic',
  model: 'claude-sonnet-4-0',
  endpoint: (url) => url,
  chatPath: '/v1/messages',
  reply(turn) {
    const content: Record<string, unknown>[] = [];
    if (turn.reasoning) content.push({ type: 'thinking', thinking: turn.reasoning, signature: turn.signature ?? 'EqEECkYICxgCKkAo3UA4' });
    if (turn.redacted) content.push({ type: 'redacted_thinking', data: turn.redacted });
    if (turn.text) content.push({ type: 'text', text: turn.text });
    for (const call of turn.toolCalls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.args });
    const usage = turn.usage ?? { input: 0, output: 0 };
    return {
      headers: { 'request-id': 'req_011CScripted' },
      body: {
        id: 'msg_01SZ8KP8HhB1TxP6Ybbv6iKz',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-20250514',
        content,
        stop_reason: anthropicStop[turn.finish ?? (turn.toolCalls ? 'tool_calls' : 'stop')],
        stop_sequence: null,
        usage: {
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          input_tokens: usage.input,
          output_tokens: usage.output,
          service_tier: 'standard',
        },
      },
    };
  },
  messages: (body) => body.messages,
  toolNames: (body) => (body.tools ?? []).map((t: any) => t.name),
};

const bedrockStop = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  context_window: 'model_context_window_exceeded',
} as const;

export const bedrockKit: ProviderKit = {
  type: 'bedrock',
  model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
  endpoint: (url) => url,
  chatPath: '/model/us.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse',
  reply(turn) {
    const content: Record<string, unknown>[] = [];
    if (turn.reasoning) {
      const reasoningText: Record<string, unknown> = { text: turn.reasoning };
      if (turn.signature) reasoningText.signature = turn.signature;
      content.push({ reasoningContent: { reasoningText } });
    }
    if (turn.redacted) content.push({ reasoningContent: { redactedContent: turn.redacted } });
    if (turn.text) content.push({ text: turn.text });
    for (const call of turn.toolCalls ?? []) content.push({ toolUse: { toolUseId: call.id, name: call.name, input: call.args } });
    const usage = turn.usage ?? { input: 0, output: 0 };
    return {
      headers: { 'x-amzn-requestid': 'b0d3c5e5-scripted' },
      body: {
        metrics: { latencyMs: 3896 },
        output: { message: { role: 'assistant', content } },
        stopReason: bedrockStop[turn.finish ?? (turn.toolCalls ? 'tool_calls' : 'stop')],
        usage: {
          cacheReadInputTokenCount: 0,
          cacheReadInputTokens: 0,
          cacheWriteInputTokenCount: 0,
          cacheWriteInputTokens: 0,
          inputTokens: usage.input,
          outputTokens: usage.output,
          totalTokens: usage.total ?? usage.input + usage.output,
        },
      },
    };
  },
  messages: (body) => body.messages,
  toolNames: (body) => (body.toolConfig?.tools ?? []).map((t: any) => t.toolSpec.name),
};

export const PROVIDER_KITS: readonly ProviderKit[] = [openaiKit, anthropicKit, bedrockKit];

/** An OpenAI embeddings response (shape of wire-corpus openai/embeddings_float_full_vector). */
export function openaiEmbeddingReply(vectors: number[][], promptTokens = 2): ScriptedReply {
  return {
    body: {
      object: 'list',
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  };
}

/** An OpenAI-style error body (wire-corpus openai/401_invalid_api_key). */
export function openaiErrorReply(status: number, message: string, code: string | null = null): ScriptedReply {
  return { status, body: { error: { message, type: 'invalid_request_error', param: null, code } } };
}
