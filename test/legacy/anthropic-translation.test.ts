import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.ts';
import { anthropicBaseUrl } from '../../src/models-legacy/anthropic/adapter.ts';
import { convertToAnthropicMessages } from '../../src/models-legacy/anthropic/messages.ts';
import { convertToAnthropicRequest } from '../../src/models-legacy/anthropic/request.ts';
import { mapAnthropicStopReason } from '../../src/models-legacy/anthropic/stop-reason.ts';
import { parseAnthropicResponse } from '../../src/models-legacy/anthropic/response.ts';
import { RequestInputError } from '../../src/models-legacy/canonical/request-input-error.ts';
import { ResponseShapeError } from '../../src/models-legacy/transport/response-shape-error.ts';
import { CORPUS } from './support/wire-corpus.ts';
import { dropKeys } from './support/drop-keys.ts';

function recordedBody(name: string): unknown {
  const { request } = CORPUS[name];
  return dropKeys(request.body, request.ignore ?? []);
}

describe('convertToAnthropicRequest against recorded bodies', () => {
  it('replays thinking, text and tool_use in order, and tool results as one user turn', () => {
    const recorded = CORPUS['anthropic/thinking_block_replayed_with_tool_result'].request.body as {
      messages: { content: Record<string, string>[] }[];
    };
    const thinking = recorded.messages[1].content[0];
    const request: ChatRequest = {
      model: 'claude-sonnet-4-0',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the largest city in the user country?' }] },
        {
          role: 'assistant',
          content: "I'll help you find the largest city in your country. First, let me determine which country you're from.",
          thinking_blocks: [{ type: 'thinking', thinking: thinking.thinking, signature: thinking.signature }],
          tool_calls: [{ id: 'toolu_01YGzqpRE16Vricda3Aqcejo', type: 'function', function: { name: 'get_user_country', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_01YGzqpRE16Vricda3Aqcejo', content: 'Mexico' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_user_country',
            description: '',
            parameters: { additionalProperties: false, properties: {}, type: 'object' },
          },
        },
      ],
      tool_choice: 'auto',
    };
    const body = convertToAnthropicRequest(request, 'claude-sonnet-4-0', { thinking: { budget_tokens: 3000, type: 'enabled' } });
    expect(body).toEqual(recordedBody('anthropic/thinking_block_replayed_with_tool_result'));
  });

  it('hoists the system prompt and batches parallel tool results', () => {
    const recorded = CORPUS['anthropic/parallel_tool_results_roundtrip'].request.body as { system: string };
    const people = [
      ['toolu_0167cfEnoQaPviGdVXA95zcu', 'Alice', "alice is bob's wife"],
      ['toolu_01EEe2V5HD1Ac4rKiUR4HD2T', 'Bob', "bob is alice's husband"],
      ['toolu_01XFyAjstT3966qvRynZyVPo', 'Charlie', "charlie is alice's son"],
      ['toolu_013mnQZbgtK2oe3Mo3XKJsx3', 'Daisy', "daisy is bob's daughter and charlie's younger sister"],
    ];
    const request: ChatRequest = {
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'system', content: recorded.system },
        { role: 'user', content: [{ type: 'text', text: 'Alice, Bob, Charlie and Daisy are a family. Who is the youngest?' }] },
        {
          role: 'assistant',
          content:
            "I'll help you find out who is the youngest by retrieving information about each family member. I'll retrieve their entity information to compare their ages.",
          tool_calls: people.map(([id, name]) => ({
            id,
            type: 'function' as const,
            function: { name: 'retrieve_entity_info', arguments: JSON.stringify({ name }) },
          })),
        },
        ...people.map(([id, , result]) => ({ role: 'tool' as const, tool_call_id: id, content: result })),
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'retrieve_entity_info',
            description: 'Get the knowledge about the given entity.',
            parameters: { additionalProperties: false, properties: { name: { type: 'string' } }, required: ['name'], type: 'object' },
          },
        },
      ],
      tool_choice: 'auto',
    };
    expect(convertToAnthropicRequest(request, 'claude-haiku-4-5', {})).toEqual(recordedBody('anthropic/parallel_tool_results_roundtrip'));
  });
});

describe('convertToAnthropicRequest rules', () => {
  const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };

  it('defaults max_tokens to 4096, wraps stop, drops params Anthropic lacks, flattens extra_body', () => {
    const body = convertToAnthropicRequest(
      {
        ...base,
        stop: 'END',
        seed: 1,
        n: 2,
        response_format: { type: 'json_object' },
        frequency_penalty: 1,
        presence_penalty: 1,
        temperature: 0.2,
        top_p: 0.9,
      },
      'm',
      { top_k: 5 },
    );
    expect(body).toEqual({
      model: 'm',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hi' }],
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
    });
  });

  it('joins several system messages with a blank line', () => {
    const { system, messages } = convertToAnthropicMessages([
      { role: 'system', content: 'A' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: [{ type: 'text', text: 'B' }] },
    ]);
    expect(system).toBe('A\n\nB');
    expect(messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('maps tool_choice and tool descriptions', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const choose = (tool_choice: ChatRequest['tool_choice']) =>
      convertToAnthropicRequest({ ...base, tools, tool_choice }, 'm', {}).tool_choice;
    expect(choose('auto')).toEqual({ type: 'auto' });
    expect(choose('required')).toEqual({ type: 'any' });
    expect(choose('none')).toEqual({ type: 'none' });
    expect(choose({ type: 'function', function: { name: 'f' } })).toEqual({ type: 'tool', name: 'f' });
    expect(convertToAnthropicRequest({ ...base, tools }, 'm', {}).tools).toEqual([
      { name: 'f', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('turns data URIs into base64 image blocks and URLs into url sources, dropping empty text', () => {
    const { messages } = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: '' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
        ],
      },
    ]);
    expect(messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
    ]);
  });

  it('keeps redacted thinking and an empty assistant text out of the way of tool_use', () => {
    const { messages } = convertToAnthropicMessages([
      {
        role: 'assistant',
        content: '',
        thinking_blocks: [{ type: 'redacted_thinking', data: 'opaque' }],
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
    ]);
    expect(messages[0].content).toEqual([
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
    ]);
  });

  it('rejects tool-call arguments that are not a JSON object, naming the call', () => {
    const convert = (args: string) => () =>
      convertToAnthropicMessages([
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: args } }] },
      ]);
    expect(convert('{not json')).toThrow(RequestInputError);
    expect(convert('{not json')).toThrow(/call_9/);
    expect(convert('[1,2]')).toThrow(/not an object/);
  });

  it('strips a trailing /v1 so the path never doubles it', () => {
    expect(anthropicBaseUrl('https://api.anthropic.com/v1')).toBe('https://api.anthropic.com');
    expect(anthropicBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });
});

describe('parseAnthropicResponse on recorded responses', () => {
  it('keeps thinking blocks with signatures and joins reasoning; text before thinking is kept', () => {
    const response = parseAnthropicResponse(CORPUS['anthropic/adaptive_thinking_text_before_thinking'].response.body);
    const message = response.choices[0].message;
    expect(message.content).toBe('\n\n2 + 2 = **4**');
    expect(message.reasoning_content).toBe('4');
    expect(message.thinking_blocks).toHaveLength(1);
    expect(message.thinking_blocks?.[0]).toMatchObject({ type: 'thinking', thinking: '4' });
    expect(response.id).toBe('msg_01UwaEfFWx4eWMCsjmVZsjaY');
    expect(response.model).toBe('claude-opus-4-6');
  });

  it('keeps redacted thinking only in thinking_blocks', () => {
    const message = parseAnthropicResponse(CORPUS['anthropic/redacted_thinking'].response.body).choices[0].message;
    expect(message.reasoning_content).toBeNull();
    expect(message.thinking_blocks?.[0].type).toBe('redacted_thinking');
  });

  it('counts cache reads and writes into the prompt and reports cache reads', () => {
    const { usage } = parseAnthropicResponse(CORPUS['anthropic/prompt_cache_read_and_write_usage'].response.body);
    expect(usage).toEqual({
      prompt_tokens: 3 + 1111 + 418,
      completion_tokens: 33,
      total_tokens: 3 + 1111 + 418 + 33,
      cached_prompt_tokens: 1111,
    });
  });

  it('maps a refusal with empty content to content_filter and null content', () => {
    const response = parseAnthropicResponse(CORPUS['anthropic/refusal_stop_details'].response.body);
    expect(response.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, reasoning_content: null },
      finish_reason: 'content_filter',
    });
  });

  it('stringifies parallel tool_use inputs', () => {
    const message = parseAnthropicResponse(CORPUS['anthropic/parallel_tool_use'].response.body).choices[0].message;
    expect(message.tool_calls?.length).toBeGreaterThan(1);
    for (const call of message.tool_calls ?? []) {
      expect(call.id).toMatch(/^toolu_/);
      expect(typeof JSON.parse(call.function.arguments)).toBe('object');
    }
  });

  it('rejects a body without a content array', () => {
    expect(() => parseAnthropicResponse({ type: 'message' })).toThrow(ResponseShapeError);
  });

  it('maps stop reasons', () => {
    expect(
      [
        'end_turn',
        'stop_sequence',
        'pause_turn',
        'max_tokens',
        'model_context_window_exceeded',
        'tool_use',
        'refusal',
        'weird',
        undefined,
      ].map((raw) => mapAnthropicStopReason(raw, false)),
    ).toEqual(['stop', 'stop', 'stop', 'length', 'length', 'tool_calls', 'content_filter', 'stop', 'stop']);
    expect(mapAnthropicStopReason(null, true)).toBe('tool_calls');
  });
});
