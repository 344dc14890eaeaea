// Pure converter tests: canonical ↔ provider shapes, per docs/engine-rules.md.
import { describe, expect, it } from 'vitest';
import { ModelBadRequestError, ModelUnsupportedCapabilityError } from '../../src/core/errors.ts';
import type { ChatRequest } from '../../src/core/types.ts';
import { toAnthropicMessagesBody } from '../../src/models-v2/anthropic/request.ts';
import { fromAnthropicMessage } from '../../src/models-v2/anthropic/response.ts';
import { toBedrockConverseInput } from '../../src/models-v2/bedrock/request.ts';
import { fromBedrockConverseOutput } from '../../src/models-v2/bedrock/response.ts';
import { bedrockEmbeddingFamily, cohereEmbeddingBodies, fromCohereResponses } from '../../src/models-v2/bedrock/embeddings.ts';
import { checkChatRequest } from '../../src/models-v2/canonical/canonical-request-checks.ts';
import { decodeFloat32Base64 } from '../../src/models-v2/embeddings/embedding-vectors.ts';
import { toOpenAIChatBody } from '../../src/models-v2/openai/request.ts';
import { fromOpenAIChatCompletion } from '../../src/models-v2/openai/response.ts';
import { toolCallIdOr } from '../../src/models-v2/canonical/tool-call-ids.ts';

const subject = { providerName: 'p', modelAlias: 'a' };

const toolHistory: ChatRequest['messages'] = [
  { role: 'system', content: 'one' },
  { role: 'user', content: 'q' },
  {
    role: 'assistant',
    content: '',
    tool_calls: [
      { id: 't1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 't2', type: 'function', function: { name: 'g', arguments: '{}' } },
    ],
    thinking_blocks: [
      { type: 'thinking', thinking: 'hmm', signature: 'sig' },
      { type: 'redacted_thinking', data: 'AAEC' },
    ],
  },
  { role: 'tool', tool_call_id: 't1', content: 'r1' },
  { role: 'tool', tool_call_id: 't2', content: [{ type: 'text', text: 'r2' }] },
  { role: 'system', content: 'two' },
  {
    role: 'user',
    content: [
      { type: 'text', text: '' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ],
  },
];

describe('openai translation', () => {
  it('orders set fields, flattens extra_body over them and omits undefined ones', () => {
    const body = toOpenAIChatBody(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5, top_p: undefined, n: 2 },
      { max_tokens: 9, vendor_flag: true },
    );
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 9, n: 2, vendor_flag: true });
    expect('top_p' in body).toBe(false);
  });

  it('parses reasoning, array content, odd finish reasons and synthesises missing tool ids', () => {
    const response = fromOpenAIChatCompletion(
      {
        choices: [
          {
            message: {
              content: [{ type: 'text', text: 'a' }, { type: 'image_url' }, { type: 'text', text: 'b' }],
              reasoning: '',
              reasoning_content: 'why',
              tool_calls: [
                { id: '', function: { name: 'f', arguments: '  ' } },
                { id: 'functions.get_temperature:0', function: { name: 'g', arguments: { a: 1 } } },
              ],
            },
            finish_reason: 'function_call',
          },
          { index: 5, message: { content: '' }, finish_reason: 'eos' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 10, completion_tokens_details: { reasoning_tokens: 0 } },
      },
      subject,
    );
    expect(response.choices[0].message).toEqual({
      role: 'assistant',
      content: 'ab',
      reasoning_content: 'why',
      tool_calls: [
        { id: toolCallIdOr('', 0, 'f', '{}'), type: 'function', function: { name: 'f', arguments: '{}' } },
        { id: 'functions.get_temperature:0', type: 'function', function: { name: 'g', arguments: '{"a":1}' } },
      ],
    });
    expect(response.choices[0].finish_reason).toBe('tool_calls');
    expect(response.choices[1]).toEqual({
      index: 5,
      message: { role: 'assistant', content: null, reasoning_content: null },
      finish_reason: 'stop',
    });
    expect(response.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 10, reasoning_tokens: 0 });
  });

  it('synthesises the documented id: call_ + 16 hex of sha256("<index>:<name>:<arguments>")', () => {
    expect(toolCallIdOr('', 0, 'get_current_time', '{}')).toMatch(/^call_[0-9a-f]{16}$/);
    expect(toolCallIdOr(undefined, 0, 'get_current_time', '{}')).toBe(toolCallIdOr(null, 0, 'get_current_time', '{}'));
    expect(toolCallIdOr('', 1, 'get_current_time', '{}')).not.toBe(toolCallIdOr('', 0, 'get_current_time', '{}'));
  });

  it('rejects a body without choices', () => {
    expect(() => fromOpenAIChatCompletion({ object: 'error' }, subject)).toThrow(/not a valid chat completion/);
  });

  it('decodes little-endian float32 base64', () => {
    const bytes = Buffer.alloc(12);
    [1.5, -0.25, 3].forEach((value, i) => bytes.writeFloatLE(value, i * 4));
    expect(decodeFloat32Base64(bytes.toString('base64'))).toEqual([1.5, -0.25, 3]);
  });
});

describe('anthropic translation', () => {
  it('hoists systems, orders assistant blocks, merges tool results and drops empty text', () => {
    const body = toAnthropicMessagesBody(
      {
        model: 'claude',
        messages: toolHistory,
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: 'required',
        n: 2,
        seed: 1,
        response_format: { type: 'json_object' },
      },
      {},
      subject,
    );
    expect(body).toEqual({
      model: 'claude',
      max_tokens: 4096,
      system: 'one\n\ntwo',
      tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'redacted_thinking', data: 'AAEC' },
            { type: 'tool_use', id: 't1', name: 'f', input: { x: 1 } },
            { type: 'tool_use', id: 't2', name: 'g', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'r1' },
            { type: 'tool_result', tool_use_id: 't2', content: 'r2' },
          ],
        },
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
      ],
    });
  });

  it('maps tool_choice none and named, and keeps an empty description', () => {
    const base: ChatRequest = { model: 'c', messages: [{ role: 'user', content: 'x' }] };
    expect(toAnthropicMessagesBody({ ...base, tool_choice: 'none' }, {}, subject).tool_choice).toEqual({ type: 'none' });
    expect(
      toAnthropicMessagesBody({ ...base, tool_choice: { type: 'function', function: { name: 'f' } } }, {}, subject).tool_choice,
    ).toEqual({ type: 'tool', name: 'f' });
    expect(
      toAnthropicMessagesBody({ ...base, tools: [{ type: 'function', function: { name: 'f', description: '' } }] }, {}, subject).tools,
    ).toEqual([{ name: 'f', description: '', input_schema: { type: 'object', properties: {} } }]);
  });

  it('rejects tool arguments that are not a JSON object before any request', () => {
    const request = (args: string): ChatRequest => ({
      model: 'c',
      messages: [{ role: 'assistant', tool_calls: [{ id: 'bad', type: 'function', function: { name: 'f', arguments: args } }] }],
    });
    expect(() => toAnthropicMessagesBody(request('{oops'), {}, subject)).toThrow(ModelBadRequestError);
    expect(() => toAnthropicMessagesBody(request('[1]'), {}, subject)).toThrow(/tool call 'bad'/);
  });

  it('parses text around thinking, redacted-only reasoning and usage with cache', () => {
    const response = fromAnthropicMessage(
      {
        id: 'msg',
        model: 'claude',
        content: [
          { type: 'text', text: '\n\n' },
          { type: 'redacted_thinking', data: 'xyz' },
          { type: 'text', text: 'answer' },
          { type: 'tool_use', id: '', name: 'f', input: null },
        ],
        stop_reason: 'pause_turn',
        usage: { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 0 },
      },
      subject,
    );
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: '\n\nanswer',
        reasoning_content: null,
        tool_calls: [{ id: toolCallIdOr('', 0, 'f', '{}'), type: 'function', function: { name: 'f', arguments: '{}' } }],
        thinking_blocks: [{ type: 'redacted_thinking', data: 'xyz' }],
      },
      finish_reason: 'stop',
    });
    expect(response.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cached_prompt_tokens: 0 });
  });
});

describe('bedrock translation', () => {
  it('builds Converse input with reasoning first, tool results merged and images as bytes', () => {
    const input = toBedrockConverseInput(
      {
        model: 'us.anthropic.claude',
        // Converse takes no user turn right after tool results (engine-rules): an assistant reply first.
        messages: [...toolHistory.slice(0, -1), { role: 'assistant', content: 'Noted.' }, toolHistory[toolHistory.length - 1]],
        tools: [{ type: 'function', function: { name: 'f', description: 'does f' } }],
        tool_choice: 'none',
        stop: 'END',
        temperature: 0,
      },
      { top_k: 3 },
      subject,
    );
    expect(input.system).toEqual([{ text: 'one' }, { text: 'two' }]);
    expect(input.inferenceConfig).toEqual({ temperature: 0, stopSequences: ['END'] });
    expect(input.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'f', description: 'does f', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
    expect(input.additionalModelRequestFields).toEqual({ top_k: 3 });
    const [user, assistant, results, reply, last] = input.messages ?? [];
    expect(reply).toEqual({ role: 'assistant', content: [{ text: 'Noted.' }] });
    expect(user).toEqual({ role: 'user', content: [{ text: 'q' }] });
    expect(assistant.content?.map((block) => Object.keys(block)[0])).toEqual([
      'reasoningContent',
      'reasoningContent',
      'toolUse',
      'toolUse',
    ]);
    expect(assistant.content?.[0]).toEqual({ reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } });
    expect(
      Buffer.from(
        (assistant.content![1] as { reasoningContent: { redactedContent: Uint8Array } }).reasoningContent.redactedContent,
      ).toString('base64'),
    ).toBe('AAEC');
    expect(results).toEqual({
      role: 'user',
      content: [
        { toolResult: { toolUseId: 't1', content: [{ text: 'r1' }] } },
        { toolResult: { toolUseId: 't2', content: [{ text: 'r2' }] } },
      ],
    });
    const image = last.content?.[0] as { image: { format: string; source: { bytes: Uint8Array } } };
    expect(image.image.format).toBe('png');
    expect(Buffer.from(image.image.source.bytes).toString('base64')).toBe('iVBORw0KGgo=');
  });

  it('omits system, inferenceConfig and additional fields when there are none', () => {
    const input = toBedrockConverseInput({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, {}, subject);
    expect(input).toEqual({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] });
  });

  it('rejects tool history without tools, and http image URLs', () => {
    expect(() => toBedrockConverseInput({ model: 'm', messages: toolHistory }, {}, subject)).toThrow(ModelBadRequestError);
    expect(() =>
      toBedrockConverseInput(
        { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }] },
        {},
        subject,
      ),
    ).toThrow(ModelUnsupportedCapabilityError);
  });

  it('parses blocks by key, redacted content as base64 and ignores unknown blocks', () => {
    const response = fromBedrockConverseOutput(
      {
        $metadata: {},
        output: {
          message: {
            role: 'assistant',
            content: [
              { reasoningContent: { reasoningText: { text: 'r1' } } },
              { reasoningContent: { redactedContent: new Uint8Array([0, 1, 2]) } },
              { $unknown: ['cachePoint', {}] },
              { text: '' },
            ],
          },
        },
        stopReason: 'guardrail_intervened',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      } as never,
      subject,
    );
    expect(response).toEqual({
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'r1',
            thinking_blocks: [
              { type: 'thinking', thinking: 'r1' },
              { type: 'redacted_thinking', data: 'AAEC' },
            ],
          },
          finish_reason: 'content_filter',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    expect(() => fromBedrockConverseOutput({ $metadata: {} } as never, subject)).toThrow(/not a valid Converse response/);
  });

  it('chooses embedding families by id (region prefixes allowed) and builds Cohere bodies', () => {
    expect(bedrockEmbeddingFamily('us.amazon.titan-embed-text-v2:0', subject)).toBe('titan');
    expect(bedrockEmbeddingFamily('cohere.embed-english-v3', subject)).toBe('cohere');
    expect(() => bedrockEmbeddingFamily('amazon.nova-micro', subject)).toThrow(ModelUnsupportedCapabilityError);
    expect(cohereEmbeddingBodies({ model: 'c', input: ['a'] }, {}, { input_type: 'search_query', truncate: 'END' })).toEqual([
      { texts: ['a'], input_type: 'search_query', truncate: 'END' },
    ]);
    // extra_body is never validated: a non-string input_type goes out as given.
    expect(cohereEmbeddingBodies({ model: 'c', input: ['a'] }, {}, { input_type: null })).toEqual([{ texts: ['a'], input_type: null }]);
    expect(cohereEmbeddingBodies({ model: 'c', input: ['a'] }, {}, { input_type: undefined })).toEqual([
      { texts: ['a'], input_type: 'search_document' },
    ]);
    expect(() => fromCohereResponses([{ output: { embeddings: [[1]] }, inputTokenHeader: undefined }], 2, subject)).toThrow(
      /1 embeddings for 2 input texts/,
    );
  });

  it('splits Cohere input into batches of 96 and joins the answers in order with summed usage', () => {
    const input = Array.from({ length: 200 }, (_, i) => `t${i}`);
    const bodies = cohereEmbeddingBodies({ model: 'c', input }, {}, {});
    expect(bodies.map((b) => (b.texts as string[]).length)).toEqual([96, 96, 8]);
    expect((bodies[1].texts as string[])[0]).toBe('t96');
    expect(bodies.every((b) => b.input_type === 'search_document')).toBe(true);
    const answer = (n: number, offset: number) => ({ embeddings: Array.from({ length: n }, (_, i) => [offset + i]) });
    const joined = fromCohereResponses(
      [
        { output: answer(96, 0), inputTokenHeader: '100' },
        { output: answer(96, 96), inputTokenHeader: '100' },
        { output: answer(8, 192), inputTokenHeader: '9' },
      ],
      200,
      subject,
    );
    expect(joined.data[199]).toEqual({ index: 199, embedding: [199] });
    expect(joined.usage).toEqual({ prompt_tokens: 209, total_tokens: 209 });
    const partial = fromCohereResponses(
      [
        { output: answer(1, 0), inputTokenHeader: '3' },
        { output: answer(1, 1), inputTokenHeader: undefined },
      ],
      2,
      subject,
    );
    expect(partial.usage).toBeUndefined();
  });
});

describe('canonical request checks', () => {
  it('rejects a tool message without tool_call_id and a tool call without a name', () => {
    expect(() => checkChatRequest({ model: 'm', messages: [{ role: 'tool', content: 'x' } as never] }, subject)).toThrow(/no tool_call_id/);
    expect(() =>
      checkChatRequest(
        {
          model: 'm',
          messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: '', arguments: '{}' } }] }],
        },
        subject,
      ),
    ).toThrow(/without a function name/);
  });
});
