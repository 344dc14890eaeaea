import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.ts';
import { convertToOpenAIChatBody } from '../../src/models-legacy/openai/request.ts';
import { decodeBase64Float32 } from '../../src/models-legacy/embeddings/embedding-vectors.ts';
import { mapOpenAIFinishReason } from '../../src/models-legacy/openai/finish-reason.ts';
import { convertToOpenAIEmbeddingBody, parseOpenAIEmbeddingResponse } from '../../src/models-legacy/openai/embeddings.ts';
import { parseOpenAIChatResponse } from '../../src/models-legacy/openai/response.ts';
import { ResponseShapeError } from '../../src/models-legacy/transport/response-shape-error.ts';
import { synthesizeToolCallId } from '../../src/models-legacy/canonical/tool-call-ids.ts';
import { CORPUS } from './support/wire-corpus.ts';
import { dropKeys } from './support/drop-keys.ts';
import { createHash } from 'node:crypto';

describe('convertToOpenAIChatBody', () => {
  it('reproduces a recorded parallel tool-result round trip', () => {
    const recorded = CORPUS['openai/chat_parallel_tool_results_roundtrip'].request;
    const body = recorded.body as ChatRequest & { model: string };
    const request: ChatRequest = { model: body.model, messages: body.messages, tools: body.tools, tool_choice: body.tool_choice };
    expect(convertToOpenAIChatBody(request, 'gpt-4o', {})).toEqual(dropKeys(recorded.body, recorded.ignore ?? []));
  });

  it('drops bookkeeping keys from assistant turns but keeps content null', () => {
    const body = convertToOpenAIChatBody(
      {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: null,
            reasoning_content: null,
            thinking_blocks: [{ type: 'redacted_thinking', data: 'x' }],
            tool_calls: [],
          },
          { role: 'assistant', content: 'a', reasoning_content: 'why' },
        ],
      },
      'm',
      {},
    );
    expect(body.messages).toEqual([
      { role: 'assistant', content: null },
      { role: 'assistant', content: 'a', reasoning_content: 'why' },
    ]);
  });

  it('passes canonical params through and lets extra_body keys win, never sending timeout_ms', () => {
    const body = convertToOpenAIChatBody(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 0.1,
        max_tokens: 5,
        seed: 7,
        timeout_ms: 1000,
        extra_headers: { a: 'b' },
        extra_body: { ignored: 1 },
      },
      'served-model',
      { max_tokens: 9, reasoning_effort: 'low' },
    );
    expect(body).toEqual({
      model: 'served-model',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.1,
      max_tokens: 9,
      seed: 7,
      reasoning_effort: 'low',
    });
  });
});

describe('parseOpenAIChatResponse on recorded responses', () => {
  it("synthesises a deterministic id for Gemini's empty tool-call id", () => {
    const message = parseOpenAIChatResponse(CORPUS['openai/compat_gemini_empty_tool_call_id'].response.body).choices[0].message;
    const expected = `call_${createHash('sha256').update('0:get_current_time:{}').digest('hex').slice(0, 16)}`;
    expect(message.tool_calls).toEqual([{ id: expected, type: 'function', function: { name: 'get_current_time', arguments: '{}' } }]);
    expect(synthesizeToolCallId(0, 'get_current_time', '{}')).toBe(expected);
    expect(message.content).toBeNull();
  });

  it('reads `reasoning` (Cerebras/vLLM) and `reasoning_content` (xAI), and keeps the provider total', () => {
    const cerebras = parseOpenAIChatResponse(CORPUS['openai/compat_cerebras_reasoning_field'].response.body);
    expect(cerebras.choices[0].message.reasoning_content).toMatch(/^User asks simple question/);
    const xai = parseOpenAIChatResponse(CORPUS['openai/compat_xai_tool_call_with_reasoning'].response.body);
    expect(xai.choices[0].message.content).toBeNull(); // xAI sends "" next to tool calls
    expect(xai.choices[0].message.reasoning_content).toMatch(/^First, the user/);
    expect(xai.choices[0].finish_reason).toBe('tool_calls');
    expect(xai.usage).toEqual({
      prompt_tokens: 307,
      completion_tokens: 26,
      total_tokens: 588,
      reasoning_tokens: 255,
      cached_prompt_tokens: 244,
    });
  });

  it('passes OpenAI usage through with reasoning and cached tokens (0 kept)', () => {
    const { usage } = parseOpenAIChatResponse(CORPUS['openai/chat_max_completion_tokens_reasoning_usage'].response.body);
    expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 87, total_tokens: 94, reasoning_tokens: 64, cached_prompt_tokens: 0 });
  });

  it('maps Azure content_filter with no content', () => {
    const response = parseOpenAIChatResponse(CORPUS['openai/azure_200_finish_reason_content_filter'].response.body);
    expect(response.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, reasoning_content: null },
      finish_reason: 'content_filter',
    });
    expect(response.usage).toBeUndefined();
  });

  it('normalises argument strings and joins content parts', () => {
    const response = parseOpenAIChatResponse({
      choices: [
        {
          message: {
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
            tool_calls: [
              { id: 'x', function: { name: 'f', arguments: '  ' } },
              { id: 'functions.get_temperature:0', function: { name: 'g', arguments: { a: 1 } } },
            ],
          },
          finish_reason: 'function_call',
        },
      ],
    });
    const message = response.choices[0].message;
    expect(message.content).toBe('ab');
    expect(message.tool_calls?.map((c) => [c.id, c.function.arguments])).toEqual([
      ['x', '{}'],
      ['functions.get_temperature:0', '{"a":1}'],
    ]);
    expect(response.choices[0].finish_reason).toBe('tool_calls');
  });

  it('rejects a body without choices', () => {
    expect(() => parseOpenAIChatResponse({ error: 'x' })).toThrow(ResponseShapeError);
  });

  it('maps finish reasons', () => {
    expect(
      ['stop', 'length', 'tool_calls', 'content_filter', 'function_call', 'eos', null].map((raw) => mapOpenAIFinishReason(raw, false)),
    ).toEqual(['stop', 'length', 'tool_calls', 'content_filter', 'tool_calls', 'stop', 'stop']);
    // Outside the map: tool_calls when the message carries tool calls (engine-rules).
    expect(mapOpenAIFinishReason(null, true)).toBe('tool_calls');
  });
});

describe('OpenAI embeddings', () => {
  it('builds the body with optional fields and extra_body on top', () => {
    expect(
      convertToOpenAIEmbeddingBody({ model: 'e', input: ['a'], encoding_format: 'float', dimensions: 32 }, 'e', { user: 'u' }),
    ).toEqual({
      model: 'e',
      input: ['a'],
      encoding_format: 'float',
      dimensions: 32,
      user: 'u',
    });
  });

  it('decodes little-endian float32 base64', () => {
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(1.5, 0);
    bytes.writeFloatLE(-2, 4);
    expect(decodeBase64Float32(bytes.toString('base64'))).toEqual([1.5, -2]);
  });

  it('decodes a recorded base64 vector into finite floats', () => {
    const { body } = CORPUS['openai/embeddings_base64_full_vector'].response;
    const encoded = (body as { data: { embedding: string }[] }).data[0].embedding;
    const parsed = parseOpenAIEmbeddingResponse(body, 1);
    expect(parsed.data[0].embedding).toHaveLength(Buffer.from(encoded, 'base64').length / 4);
    expect(parsed.data[0].embedding.every(Number.isFinite)).toBe(true);
  });

  it('parses a vLLM response (extra keys, null details) with usage and model', () => {
    const parsed = parseOpenAIEmbeddingResponse(CORPUS['openai/compat_vllm_embeddings'].response.body, 1);
    expect(parsed.data[0].embedding).toHaveLength(32);
    expect(parsed.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    expect(parsed.model).toBe('jinaai/jina-embeddings-v3');
  });

  it('orders by index and fails on a count mismatch naming both numbers', () => {
    const body = {
      data: [
        { index: 1, embedding: [2] },
        { index: 0, embedding: [1] },
      ],
    };
    expect(parseOpenAIEmbeddingResponse(body, 2).data).toEqual([
      { index: 0, embedding: [1] },
      { index: 1, embedding: [2] },
    ]);
    expect(() => parseOpenAIEmbeddingResponse(body, 3)).toThrow(/2 embeddings for 3 input texts/);
  });
});
