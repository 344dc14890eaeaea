// The conformance judges must be able to fail: each known-bad body below breaks one rule of a
// provider's API definition (the defects of issue 11 among them) and must be reported; its
// corrected twin must pass. A judge that accepted everything would pass the suite vacuously.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CapturedBody } from './capture-bodies.ts';
import { judgeRequest, type Validators } from './judge-request.ts';
import { buildValidators } from './validators.ts';

let validators: Validators;
beforeAll(() => {
  validators = buildValidators();
}, 120_000);

function body(provider: CapturedBody['provider'], path: string, sent: unknown, extraBodyKeys: string[] = []): CapturedBody {
  return {
    source: 'generated',
    fixture: 'self-check',
    provider,
    operation: path.endsWith('/invoke') || path.endsWith('/embeddings') ? 'embedding' : 'chat',
    model: 'm',
    engine: 'legacy',
    path,
    body: sent,
    extraBodyKeys: new Set(extraBodyKeys),
  };
}

const CONVERSE = '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse';
const user = (text: string) => ({ role: 'user', content: [{ text }] });
const toolSpec = (extra: Record<string, unknown>) => ({
  toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } }, ...extra } }] },
});
const anthropic = (extra: Record<string, unknown>) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});
const toolUse = (id: string) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 16,
  messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: [{ type: 'tool_use', id, name: 'f', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] },
  ],
});

const CASES: { name: string; bad: CapturedBody; good: CapturedBody }[] = [
  {
    name: 'Bedrock: empty tool description (item 2)',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi')], ...toolSpec({ description: '' }) }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')], ...toolSpec({}) }),
  },
  {
    name: 'Bedrock: two user turns in a row (item 1)',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi'), user('There?')] }),
    good: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ text: 'Hi' }, { text: 'There?' }] }] }),
  },
  {
    name: 'Bedrock: a union with two members set',
    bad: body('bedrock', CONVERSE, {
      messages: [{ role: 'user', content: [{ text: 'Hi', image: { format: 'png', source: { bytes: 'AAAA' } } }] }],
    }),
    good: body('bedrock', CONVERSE, {
      messages: [{ role: 'user', content: [{ text: 'Hi' }, { image: { format: 'png', source: { bytes: 'AAAA' } } }] }],
    }),
  },
  {
    name: 'Bedrock: enum value',
    bad: body('bedrock', CONVERSE, { messages: [{ role: 'system', content: [{ text: 'Hi' }] }] }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')] }),
  },
  {
    name: 'Bedrock: range',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi')], inferenceConfig: { maxTokens: 0 } }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')], inferenceConfig: { maxTokens: 1 } }),
  },
  {
    name: 'Bedrock: unknown member',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi')], seed: 1 }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')] }),
  },
  {
    name: 'Bedrock: the model id belongs in the URL',
    bad: body('bedrock', CONVERSE, { modelId: 'm', messages: [user('Hi')] }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')] }),
  },
  {
    name: 'Anthropic: input_schema without type object (item 3)',
    bad: body('anthropic', '/v1/messages', anthropic({ tools: [{ name: 'f', input_schema: {} }] })),
    good: body('anthropic', '/v1/messages', anthropic({ tools: [{ name: 'f', input_schema: { type: 'object' } }] })),
  },
  {
    name: 'Anthropic: tool_use id outside ^[a-zA-Z0-9_-]+$ (item 5)',
    bad: body('anthropic', '/v1/messages', toolUse('functions.f:0')),
    good: body('anthropic', '/v1/messages', toolUse('functions_f_0_1a2b3c4d')),
  },
  {
    name: 'Anthropic: max_tokens missing',
    bad: body('anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }),
    good: body('anthropic', '/v1/messages', anthropic({})),
  },
  {
    name: 'Anthropic: a key the definition does not declare, unless the caller put it in extra_body',
    bad: body('anthropic', '/v1/messages', anthropic({ seed: 1 })),
    good: body('anthropic', '/v1/messages', anthropic({ seed: 1 }), ['seed']),
  },
  // Issue 18: what a real user's history sends that the providers refuse.
  {
    name: 'Anthropic: image inside tool_result with media type image/jpg (item 5)',
    bad: body(
      'anthropic',
      '/v1/messages',
      anthropic({
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpg', data: 'AAAA' } }] }],
      }),
    ),
    good: body(
      'anthropic',
      '/v1/messages',
      anthropic({
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } }] }],
      }),
    ),
  },
  {
    name: 'Bedrock: image format jpg (item 5)',
    bad: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ image: { format: 'jpg', source: { bytes: 'AAAA' } } }] }] }),
    good: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ image: { format: 'jpeg', source: { bytes: 'AAAA' } } }] }] }),
  },
  {
    name: 'Anthropic: tool name with a dot (item 6)',
    bad: body('anthropic', '/v1/messages', anthropic({ tools: [{ name: 'weather.get_forecast', input_schema: { type: 'object' } }] })),
    good: body('anthropic', '/v1/messages', anthropic({ tools: [{ name: 'weather_get_forecast', input_schema: { type: 'object' } }] })),
  },
  {
    name: 'Bedrock: tool name with a dot (item 6)',
    bad: body('bedrock', CONVERSE, {
      messages: [user('Hi')],
      toolConfig: { tools: [{ toolSpec: { name: 'weather.get_forecast', inputSchema: { json: { type: 'object' } } } }] },
    }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')], ...toolSpec({}) }),
  },
  {
    name: 'Bedrock: empty system text (item 7)',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi')], system: [{ text: '' }] }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')], system: [{ text: 'Be brief.' }] }),
  },
  {
    name: 'Bedrock: empty stop sequence (item 7)',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi')], inferenceConfig: { stopSequences: ['', 'END'] } }),
    good: body('bedrock', CONVERSE, { messages: [user('Hi')], inferenceConfig: { stopSequences: ['END'] } }),
  },
  {
    name: 'Bedrock: assistant turn with empty content (item 7)',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi'), { role: 'assistant', content: [] }, user('There?')] }),
    good: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ text: 'Hi' }, { text: 'There?' }] }] }),
  },
  {
    name: 'Anthropic: non-final assistant turn with empty content (item 7)',
    bad: body(
      'anthropic',
      '/v1/messages',
      anthropic({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: '' },
          { role: 'user', content: 'There?' },
        ],
      }),
    ),
    good: body(
      'anthropic',
      '/v1/messages',
      anthropic({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'user', content: 'There?' },
        ],
      }),
    ),
  },
  {
    name: 'Anthropic: thinking block without signature (item 4)',
    bad: body(
      'anthropic',
      '/v1/messages',
      anthropic({
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Hmm.' },
              { type: 'text', text: 'Hello' },
            ],
          },
          { role: 'user', content: 'Again' },
        ],
      }),
    ),
    good: body(
      'anthropic',
      '/v1/messages',
      anthropic({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
          { role: 'user', content: 'Again' },
        ],
      }),
    ),
  },
  {
    name: 'Anthropic: thinking budget not below max_tokens (item 4)',
    bad: body('anthropic', '/v1/messages', { ...anthropic({ thinking: { type: 'enabled', budget_tokens: 8000 } }), max_tokens: 4096 }, [
      'thinking',
    ]),
    good: body('anthropic', '/v1/messages', { ...anthropic({ thinking: { type: 'enabled', budget_tokens: 8000 } }), max_tokens: 12096 }, [
      'thinking',
    ]),
  },
  {
    name: 'Bedrock: cachePoint block and outputConfig are valid members (items 2, 3)',
    bad: body('bedrock', CONVERSE, {
      messages: [{ role: 'user', content: [{ text: 'Hi' }, { cachePoint: { type: 'ephemeral' } }] }],
      outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{}' } } } },
    }),
    good: body('bedrock', CONVERSE, {
      messages: [{ role: 'user', content: [{ text: 'Hi' }, { cachePoint: { type: 'default' } }] }],
      outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{}' } } } },
    }),
  },
  {
    name: 'OpenAI: more than 2,048 embedding inputs (item 8)',
    bad: body('openai', '/v1/embeddings', { model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') }),
    good: body('openai', '/v1/embeddings', { model: 'text-embedding-3-small', input: Array.from({ length: 2048 }, () => 'x') }),
  },
  {
    name: 'OpenAI: image part in a tool message (item 1)',
    bad: body('openai', '/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'tool', tool_call_id: 'c', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
    }),
    good: body('openai', '/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: 'ok' }] }],
    }),
  },
  {
    name: 'OpenAI: empty messages',
    bad: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [] }),
    good: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }),
  },
  {
    name: 'OpenAI: unknown role',
    bad: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'critic', content: 'Hi' }] }),
    good: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'developer', content: 'Hi' }] }),
  },
  {
    name: 'OpenAI embeddings: unknown key',
    bad: body('openai', '/v1/embeddings', { model: 'e', input: ['Hi'], normalize: true }),
    good: body('openai', '/v1/embeddings', { model: 'e', input: ['Hi'], dimensions: 8 }),
  },
  {
    name: 'Titan v1: dimensions (item 4)',
    bad: body('bedrock', '/model/amazon.titan-embed-text-v1/invoke', { inputText: 'Hi', dimensions: 256 }),
    good: body('bedrock', '/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: 'Hi', dimensions: 256 }),
  },
  {
    name: 'Cohere v4: dimensions under the wrong key (item 4)',
    bad: body('bedrock', '/model/cohere.embed-v4%3A0/invoke', { texts: ['Hi'], input_type: 'search_document', dimensions: 512 }),
    good: body('bedrock', '/model/cohere.embed-v4%3A0/invoke', { texts: ['Hi'], input_type: 'search_document', output_dimension: 512 }),
  },
];

describe('the conformance judges report what they claim to check', () => {
  for (const { name, bad, good } of CASES) {
    it(name, () => {
      expect(judgeRequest(bad, validators).violations, 'the bad body must be reported').not.toEqual([]);
      expect(judgeRequest(good, validators).violations, 'its corrected twin must pass').toEqual([]);
    });
  }
});
