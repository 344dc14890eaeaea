// What the providers' API definitions forbid and legacy's converters must avoid (issue 11,
// docs/engine-rules.md "Request translation"): pure converter tests.
import { describe, expect, it } from 'vitest';
import { convertToAnthropicRequest } from '../../src/models-legacy/anthropic/request.ts';
import { convertToBedrockConverseRequest } from '../../src/models-legacy/bedrock/request.ts';
import { ANTHROPIC_TOOL_USE_ID, BEDROCK_TOOL_USE_ID, providerToolUseId } from '../../src/models-legacy/canonical/wire-tool-use-id.ts';
import { RequestInputError } from '../../src/models-legacy/canonical/request-input-error.ts';

const call = (id: string) => ({ id, type: 'function' as const, function: { name: 'f', arguments: '{}' } });
const TOOLS = [{ type: 'function' as const, function: { name: 'f' } }];

describe('tool-call ids a provider would refuse', () => {
  it('keeps valid ids and maps others deterministically into the provider pattern', () => {
    expect(providerToolUseId('toolu_01A-b', ANTHROPIC_TOOL_USE_ID)).toBe('toolu_01A-b');
    const mapped = providerToolUseId('functions.get_temperature:0', ANTHROPIC_TOOL_USE_ID);
    expect(mapped).toMatch(/^functions_get_temperature_0_[0-9a-f]{8}$/);
    expect(providerToolUseId('functions.get_temperature:0', BEDROCK_TOOL_USE_ID)).toBe('functions.get_temperature:0');
    const long = providerToolUseId(`call/${'x'.repeat(80)}`, BEDROCK_TOOL_USE_ID);
    expect(long).toMatch(/^[a-zA-Z0-9_.:-]{64}$/);
  });

  it('maps a call and its result alike', () => {
    const body = convertToAnthropicRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [call('a:b')] },
          { role: 'tool', tool_call_id: 'a:b', content: 'r' },
        ],
        tools: TOOLS,
      },
      'm',
      {},
    );
    const [, assistant, result] = body.messages as { content: { id?: string; tool_use_id?: string }[] }[];
    expect(assistant.content[0].id).toBe(result.content[0].tool_use_id);
    expect(assistant.content[0].id).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});

describe('tool input schemas are objects', () => {
  it('adds type object where parameters have none, and refuses another type', () => {
    const anthropic = (parameters: Record<string, unknown>) =>
      convertToAnthropicRequest(
        { model: 'm', messages: [{ role: 'user', content: 'q' }], tools: [{ type: 'function', function: { name: 'f', parameters } }] },
        'm',
        {},
      ).tools;
    expect(anthropic({})).toEqual([{ name: 'f', input_schema: { type: 'object' } }]);
    expect(() => anthropic({ type: 'array' })).toThrow(RequestInputError);
    const bedrock = convertToBedrockConverseRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'q' }],
        tools: [{ type: 'function', function: { name: 'f', description: '', parameters: {} } }],
      },
      {},
    );
    expect((bedrock.toolConfig as { tools: unknown[] }).tools).toEqual([
      { toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } } } },
    ]);
  });
});

describe('Bedrock turns alternate', () => {
  it('merges same-role neighbours in order and refuses user content next to tool results', () => {
    const body = convertToBedrockConverseRequest(
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
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'a' }, { text: 'b' }] },
      { role: 'assistant', content: [{ text: 'c' }, { text: 'd' }] },
    ]);
    expect(() =>
      convertToBedrockConverseRequest(
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
      ),
    ).toThrow(/Message 3 puts user content and tool results next to each other/);
  });
});
