// What the providers' API definitions forbid and v2's translation must avoid (issue 11,
// docs/engine-rules.md "Request translation"): pure converter tests.
import { describe, expect, it } from 'vitest';
import { ModelBadRequestError } from '../../src/core/errors.ts';
import type { ChatRequest } from '../../src/core/types.ts';
import { toAnthropicMessagesBody } from '../../src/models-v2/anthropic/request.ts';
import { toBedrockConverseInput } from '../../src/models-v2/bedrock/request.ts';
import { dimensionsFields } from '../../src/models-v2/bedrock/embedding-dimensions.ts';
import { anthropicToolUseId, bedrockToolUseId } from '../../src/models-v2/canonical/wire-tool-use-id.ts';

const subject = { providerName: 'p', modelAlias: 'a' };
const call = (id: string) => ({ id, type: 'function' as const, function: { name: 'f', arguments: '{}' } });
const TOOLS: ChatRequest['tools'] = [{ type: 'function', function: { name: 'f' } }];

describe('tool-call ids a provider would refuse', () => {
  it('keeps valid ids and maps others to a deterministic id of the provider pattern', () => {
    expect(anthropicToolUseId('toolu_01A-b')).toBe('toolu_01A-b');
    const mapped = anthropicToolUseId('functions.get_temperature:0');
    expect(mapped).toMatch(/^functions_get_temperature_0_[0-9a-f]{8}$/);
    expect(anthropicToolUseId('functions.get_temperature:0')).toBe(mapped);
    expect(anthropicToolUseId('functions.get_temperature_0')).not.toBe(mapped);
    expect(bedrockToolUseId('functions.get_temperature:0')).toBe('functions.get_temperature:0');
    const long = bedrockToolUseId(`call/${'x'.repeat(80)}`);
    expect(long).toMatch(/^[a-zA-Z0-9_.:-]+$/);
    expect(long.length).toBe(64);
  });

  it('maps a call and its result alike', () => {
    const body = toAnthropicMessagesBody(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [call('a:b')] },
          { role: 'tool', tool_call_id: 'a:b', content: 'r' },
        ],
        tools: TOOLS,
      },
      {},
      subject,
    );
    const [, assistant, result] = body.messages as { content: { id?: string; tool_use_id?: string }[] }[];
    expect(assistant.content[0].id).toBe(result.content[0].tool_use_id);
    expect(assistant.content[0].id).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});

describe('tool input schemas are objects', () => {
  it('adds type object where parameters have none, and refuses another type', () => {
    const tools = (parameters: Record<string, unknown>) => [{ type: 'function' as const, function: { name: 'f', parameters } }];
    const anthropic = (parameters: Record<string, unknown>) =>
      toAnthropicMessagesBody({ model: 'm', messages: [{ role: 'user', content: 'q' }], tools: tools(parameters) }, {}, subject).tools;
    expect(anthropic({})).toEqual([{ name: 'f', input_schema: { type: 'object' } }]);
    expect(anthropic({ properties: { a: { type: 'string' } } })).toEqual([
      { name: 'f', input_schema: { type: 'object', properties: { a: { type: 'string' } } } },
    ]);
    expect(() => anthropic({ type: 'array' })).toThrow(ModelBadRequestError);
    const bedrock = toBedrockConverseInput(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'q' }],
        tools: [{ type: 'function', function: { name: 'f', description: '', parameters: {} } }],
      },
      {},
      subject,
    );
    expect(bedrock.toolConfig?.tools).toEqual([{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } } } }]);
  });
});

describe('Bedrock turns alternate', () => {
  it('merges same-role neighbours in order and refuses user content next to tool results', () => {
    const input = toBedrockConverseInput(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'system', content: 's' },
          { role: 'user', content: 'b' },
          { role: 'assistant', content: 'c' },
          { role: 'assistant', content: 'd' },
        ],
      },
      {},
      subject,
    );
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'a' }, { text: 'b' }] },
      { role: 'assistant', content: [{ text: 'c' }, { text: 'd' }] },
    ]);
    expect(() =>
      toBedrockConverseInput(
        {
          model: 'm',
          messages: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: null, tool_calls: [call('t1')] },
            { role: 'tool', tool_call_id: 't1', content: 'r' },
            { role: 'user', content: 'next' },
          ],
          tools: TOOLS,
        },
        {},
        subject,
      ),
    ).toThrow(/message 3 puts user content and tool results next to each other/);
  });
});

describe('Bedrock embedding dimensions', () => {
  it('names the field per model and refuses models without one', () => {
    expect(dimensionsFields('amazon.titan-embed-text-v2:0', 256, subject)).toEqual({ dimensions: 256 });
    expect(dimensionsFields('us.cohere.embed-v4:0', 512, subject)).toEqual({ output_dimension: 512 });
    expect(dimensionsFields('amazon.titan-embed-text-v1', undefined, subject)).toEqual({});
    expect(() => dimensionsFields('amazon.titan-embed-text-v1', 256, subject)).toThrow(ModelBadRequestError);
    expect(() => dimensionsFields('cohere.embed-english-v3', 256, subject)).toThrow(ModelBadRequestError);
  });
});
