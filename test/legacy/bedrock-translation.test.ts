import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.ts';
import { bedrockModelPath } from '../../src/models-legacy/bedrock/adapter.ts';
import {
  bedrockEmbeddingFamily,
  convertToBedrockEmbeddingBodies,
  parseBedrockEmbeddingResults,
} from '../../src/models-legacy/bedrock/embeddings.ts';
import { convertToBedrockConverseRequest } from '../../src/models-legacy/bedrock/request.ts';
import { mapBedrockStopReason } from '../../src/models-legacy/bedrock/stop-reason.ts';
import { parseBedrockConverseResponse } from '../../src/models-legacy/bedrock/response.ts';
import { RequestInputError } from '../../src/models-legacy/canonical/request-input-error.ts';
import { CORPUS } from './support/wire-corpus.ts';
import { dropKeys } from './support/drop-keys.ts';

const getTemperature = {
  type: 'function' as const,
  function: {
    name: 'get_temperature',
    description: 'Get the current temperature in a city.',
    parameters: { additionalProperties: false, properties: { city: { type: 'string' } }, required: ['city'], type: 'object' },
  },
};

describe('convertToBedrockConverseRequest against recorded bodies', () => {
  it('builds system, toolConfig and toolChoice like the recorded Kimi call', () => {
    const recorded = CORPUS['bedrock/converse_kimi_reasoning_and_odd_tool_id'].request;
    const request: ChatRequest = {
      model: 'moonshot.kimi-k2-thinking',
      messages: [
        { role: 'system', content: 'You are a helpful chatbot. Use tools when helpful.' },
        { role: 'user', content: 'What is the temperature in London? Use the tool.' },
      ],
      tools: [getTemperature],
      tool_choice: 'auto',
    };
    expect(convertToBedrockConverseRequest(request, {})).toEqual(dropKeys(recorded.body, recorded.ignore ?? []));
    expect(recorded.path).toBe(bedrockModelPath('moonshot.kimi-k2-thinking', 'converse'));
  });

  it('replays reasoning, text and toolUse in order, then the tool result, with extra_body as additional fields', () => {
    const recorded = CORPUS['bedrock/converse_reasoning_replayed_with_tool_result'].request;
    const assistant = (
      recorded.body as { messages: { content: { reasoningContent?: { reasoningText: { text: string; signature: string } } }[] }[] }
    ).messages[1];
    const reasoning = assistant.content[0].reasoningContent!.reasoningText;
    const request: ChatRequest = {
      model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      messages: [
        { role: 'user', content: 'What is the largest city in the user country?' },
        {
          role: 'assistant',
          content: "I'll need to check what country you're from to answer that question.",
          thinking_blocks: [{ type: 'thinking', thinking: reasoning.text, signature: reasoning.signature }],
          tool_calls: [{ id: 'tooluse_W9DaUFg4Tj2cRPpndqxWSg', type: 'function', function: { name: 'get_user_country', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'tooluse_W9DaUFg4Tj2cRPpndqxWSg', content: 'Mexico' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_user_country', parameters: { additionalProperties: false, properties: {}, type: 'object' } },
        },
      ],
    };
    const body = convertToBedrockConverseRequest(request, { thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(dropKeys(body, recorded.ignore ?? [])).toEqual(dropKeys(recorded.body, recorded.ignore ?? []));
    expect(recorded.path).toBe(bedrockModelPath('us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'converse'));
  });

  it('sends data-URI images as bytes with the MIME subtype as format', () => {
    const recorded = CORPUS['bedrock/converse_image_bytes_input'].request;
    const request: ChatRequest = {
      model: 'us.amazon.nova-pro-v1:0',
      messages: [
        { role: 'system', content: 'You are a helpful chatbot.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this vegetable?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEBLAEsAAD/4QBWRXhpZgAATU0AKgAA' } },
          ],
        },
      ],
    };
    expect(convertToBedrockConverseRequest(request, {})).toEqual(dropKeys(recorded.body, recorded.ignore ?? []));
    expect(recorded.path).toBe(bedrockModelPath('us.amazon.nova-pro-v1:0', 'converse'));
  });
});

describe('convertToBedrockConverseRequest rules', () => {
  it('sets only the inference keys given, and omits empty sections', () => {
    expect(convertToBedrockConverseRequest({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, {})).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    });
    const body = convertToBedrockConverseRequest(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 10, top_p: 0.5, stop: 'X', seed: 3, n: 1 },
      {},
    );
    expect(body.inferenceConfig).toEqual({ maxTokens: 10, topP: 0.5, stopSequences: ['X'] });
    expect(body).not.toHaveProperty('seed');
  });

  it('maps tool_choice required/named/none', () => {
    const choose = (tool_choice: ChatRequest['tool_choice']) =>
      (
        convertToBedrockConverseRequest(
          { model: 'm', messages: [{ role: 'user', content: 'Hi' }], tools: [getTemperature], tool_choice },
          {},
        ).toolConfig as Record<string, unknown>
      ).toolChoice;
    expect(choose('required')).toEqual({ any: {} });
    expect(choose({ type: 'function', function: { name: 'get_temperature' } })).toEqual({ tool: { name: 'get_temperature' } });
    expect(choose('none')).toBeUndefined();
  });

  it('rejects tool history without tools, and http image URLs, before any request', () => {
    const history: ChatRequest = {
      model: 'm',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't', content: 'ok' },
      ],
    };
    expect(() => convertToBedrockConverseRequest(history, {})).toThrow(/toolConfig/);
    const image: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
    };
    try {
      convertToBedrockConverseRequest(image, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RequestInputError);
      expect((error as RequestInputError).kind).toBe('unsupported_capability');
    }
  });

  it('replays redacted reasoning as redactedContent', () => {
    const body = convertToBedrockConverseRequest(
      { model: 'm', messages: [{ role: 'assistant', content: 'ok', thinking_blocks: [{ type: 'redacted_thinking', data: 'blob' }] }] },
      {},
    );
    expect(body.messages).toEqual([{ role: 'assistant', content: [{ reasoningContent: { redactedContent: 'blob' } }, { text: 'ok' }] }]);
  });
});

describe('parseBedrockConverseResponse on recorded responses', () => {
  it('keeps odd tool ids verbatim and reasoning without signature', () => {
    const response = parseBedrockConverseResponse(CORPUS['bedrock/converse_kimi_reasoning_and_odd_tool_id'].response.body);
    const message = response.choices[0].message;
    expect(message.tool_calls).toEqual([
      { id: 'functions.get_temperature:0', type: 'function', function: { name: 'get_temperature', arguments: '{"city":"London"}' } },
    ]);
    expect(message.thinking_blocks?.[0]).not.toHaveProperty('signature');
    expect(message.content).toBeNull();
    expect(response.choices[0].finish_reason).toBe('tool_calls');
    expect(response.usage).toEqual({ prompt_tokens: 92, completion_tokens: 75, total_tokens: 167 });
    expect(response).not.toHaveProperty('id');
  });

  it('keeps redacted reasoning as a redacted_thinking block with null reasoning_content', () => {
    const message = parseBedrockConverseResponse(CORPUS['bedrock/converse_redacted_reasoning'].response.body).choices[0].message;
    expect(message.thinking_blocks?.[0].type).toBe('redacted_thinking');
    expect(message.reasoning_content).toBeNull();
  });

  it("counts cache tokens into the prompt and keeps Bedrock's own total", () => {
    expect(parseBedrockConverseResponse(CORPUS['bedrock/converse_cache_read_usage'].response.body).usage).toEqual({
      prompt_tokens: 1324,
      completion_tokens: 5,
      total_tokens: 1329,
      cached_prompt_tokens: 1322,
    });
    expect(parseBedrockConverseResponse(CORPUS['bedrock/converse_cache_write_usage'].response.body).usage).toEqual({
      prompt_tokens: 1324,
      completion_tokens: 5,
      total_tokens: 1329,
      cached_prompt_tokens: 0,
    });
  });

  it('reads gpt-oss reasoning next to text and ignores trace', () => {
    const message = parseBedrockConverseResponse(CORPUS['bedrock/converse_gpt_oss_reasoning_without_signature'].response.body).choices[0]
      .message;
    expect(message).toEqual({
      role: 'assistant',
      content: 'ok',
      reasoning_content: 'User wants reply with the single word: ok. So just "ok".',
      thinking_blocks: [{ type: 'thinking', thinking: 'User wants reply with the single word: ok. So just "ok".' }],
    });
    expect(parseBedrockConverseResponse(CORPUS['bedrock/converse_guardrail_trace'].response.body).choices[0].message.content).toMatch(
      /^The capital of France is Paris/,
    );
  });

  it('maps stop reasons', () => {
    expect(
      ['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'guardrail_intervened', 'content_filtered', 'other'].map((raw) =>
        mapBedrockStopReason(raw, false),
      ),
    ).toEqual(['stop', 'stop', 'length', 'tool_calls', 'content_filter', 'content_filter', 'stop']);
    expect(mapBedrockStopReason('malformed_tool_use', true)).toBe('tool_calls');
    expect(mapBedrockStopReason('malformed_model_output', false)).toBe('stop');
  });
});

describe('Bedrock embeddings', () => {
  it('picks the family from the id, region prefix allowed', () => {
    expect(bedrockEmbeddingFamily('amazon.titan-embed-text-v2:0')).toBe('titan');
    expect(bedrockEmbeddingFamily('us.cohere.embed-v4:0')).toBe('cohere');
    expect(() => bedrockEmbeddingFamily('amazon.nova-pro-v1:0')).toThrow(RequestInputError);
  });

  it('builds one Titan body per text, and one Cohere body with input_type', () => {
    const request = { model: 'm', input: ['a', 'b'], dimensions: 256 };
    const plain = { model: 'm', input: ['a', 'b'] };
    expect(convertToBedrockEmbeddingBodies('titan', 'amazon.titan-embed-text-v2:0', request, { normalize: true })).toEqual([
      { inputText: 'a', dimensions: 256, normalize: true },
      { inputText: 'b', dimensions: 256, normalize: true },
    ]);
    expect(convertToBedrockEmbeddingBodies('cohere', 'cohere.embed-english-v3', plain, {})).toEqual([
      { texts: ['a', 'b'], input_type: 'search_document' },
    ]);
    expect(
      convertToBedrockEmbeddingBodies('cohere', 'cohere.embed-english-v3', plain, { input_type: 'search_query', truncate: 'NONE' }),
    ).toEqual([{ texts: ['a', 'b'], input_type: 'search_query', truncate: 'NONE' }]);
    // extra_body is never validated: a non-string input_type goes out as given.
    expect(convertToBedrockEmbeddingBodies('cohere', 'cohere.embed-english-v3', plain, { input_type: 5 })).toEqual([
      { texts: ['a', 'b'], input_type: 5 },
    ]);
    expect(convertToBedrockEmbeddingBodies('cohere', 'cohere.embed-english-v3', plain, { input_type: undefined })).toEqual([
      { texts: ['a', 'b'], input_type: 'search_document' },
    ]);
  });

  it('sends dimensions where the model takes them, and refuses them where it does not', () => {
    const request = { model: 'm', input: ['a'], dimensions: 512 };
    expect(convertToBedrockEmbeddingBodies('cohere', 'us.cohere.embed-v4:0', request, {})).toEqual([
      { texts: ['a'], output_dimension: 512, input_type: 'search_document' },
    ]);
    expect(() => convertToBedrockEmbeddingBodies('titan', 'amazon.titan-embed-text-v1', request, {})).toThrow(/takes no output dimensions/);
    expect(() => convertToBedrockEmbeddingBodies('cohere', 'cohere.embed-english-v3', request, {})).toThrow(RequestInputError);
  });

  it('matches the recorded Titan and Cohere request bodies', () => {
    const titan = CORPUS['bedrock/invoke_titan_embed_v2'].request;
    expect(
      convertToBedrockEmbeddingBodies(
        'titan',
        'amazon.titan-embed-text-v2:0',
        { model: 'm', input: ['Test embedding dimensions'], dimensions: 256 },
        { normalize: true },
      )[0],
    ).toEqual(titan.body);
    const cohere = CORPUS['bedrock/invoke_cohere_embed_v4_by_type'].request;
    expect(
      convertToBedrockEmbeddingBodies(
        'cohere',
        'cohere.embed-v4:0',
        { model: 'm', input: ['Test dimensions setting'] },
        { input_type: 'search_query', output_dimension: 512, truncate: 'NONE' },
      )[0],
    ).toEqual(cohere.body);
  });

  it('parses Titan, Cohere v3 (header usage) and Cohere v4 (by type) responses', () => {
    const titan = CORPUS['bedrock/invoke_titan_embed_v2'].response;
    expect(parseBedrockEmbeddingResults('titan', [titan, titan], 2).usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    const v3 = CORPUS['bedrock/invoke_cohere_embed_v3'].response;
    const parsedV3 = parseBedrockEmbeddingResults('cohere', [v3], 1);
    expect(parsedV3.data[0].embedding).toHaveLength(5);
    expect(parsedV3.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const v4 = parseBedrockEmbeddingResults('cohere', [CORPUS['bedrock/invoke_cohere_embed_v4_by_type'].response], 1);
    expect(v4.data[0].embedding[0]).toBe(-0.099121094);
    expect(v4.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const noHeader = parseBedrockEmbeddingResults('cohere', [{ ...v3, headers: {} }], 1);
    expect(noHeader.usage).toBeUndefined();
  });
});
