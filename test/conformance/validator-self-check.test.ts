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
  return { source: 'generated', fixture: 'self-check', provider, operation: path.endsWith('/invoke') || path.endsWith('/embeddings') ? 'embedding' : 'chat', model: 'm', engine: 'legacy', path, body: sent, extraBodyKeys: new Set(extraBodyKeys) };
}

const CONVERSE = '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse';
const user = (text: string) => ({ role: 'user', content: [{ text }] });
const toolSpec = (extra: Record<string, unknown>) => ({ toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } }, ...extra } }] } });
const anthropic = (extra: Record<string, unknown>) => ({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }], ...extra });
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
  { name: 'Bedrock: empty tool description (item 2)', bad: body('bedrock', CONVERSE, { messages: [user('Hi')], ...toolSpec({ description: '' }) }), good: body('bedrock', CONVERSE, { messages: [user('Hi')], ...toolSpec({}) }) },
  {
    name: 'Bedrock: two user turns in a row (item 1)',
    bad: body('bedrock', CONVERSE, { messages: [user('Hi'), user('There?')] }),
    good: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ text: 'Hi' }, { text: 'There?' }] }] }),
  },
  {
    name: 'Bedrock: a union with two members set',
    bad: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ text: 'Hi', image: { format: 'png', source: { bytes: 'AAAA' } } }] }] }),
    good: body('bedrock', CONVERSE, { messages: [{ role: 'user', content: [{ text: 'Hi' }, { image: { format: 'png', source: { bytes: 'AAAA' } } }] }] }),
  },
  { name: 'Bedrock: enum value', bad: body('bedrock', CONVERSE, { messages: [{ role: 'system', content: [{ text: 'Hi' }] }] }), good: body('bedrock', CONVERSE, { messages: [user('Hi')] }) },
  { name: 'Bedrock: range', bad: body('bedrock', CONVERSE, { messages: [user('Hi')], inferenceConfig: { maxTokens: 0 } }), good: body('bedrock', CONVERSE, { messages: [user('Hi')], inferenceConfig: { maxTokens: 1 } }) },
  { name: 'Bedrock: unknown member', bad: body('bedrock', CONVERSE, { messages: [user('Hi')], seed: 1 }), good: body('bedrock', CONVERSE, { messages: [user('Hi')] }) },
  { name: 'Bedrock: the model id belongs in the URL', bad: body('bedrock', CONVERSE, { modelId: 'm', messages: [user('Hi')] }), good: body('bedrock', CONVERSE, { messages: [user('Hi')] }) },
  {
    name: 'Anthropic: input_schema without type object (item 3)',
    bad: body('anthropic', '/v1/messages', anthropic({ tools: [{ name: 'f', input_schema: {} }] })),
    good: body('anthropic', '/v1/messages', anthropic({ tools: [{ name: 'f', input_schema: { type: 'object' } }] })),
  },
  { name: 'Anthropic: tool_use id outside ^[a-zA-Z0-9_-]+$ (item 5)', bad: body('anthropic', '/v1/messages', toolUse('functions.f:0')), good: body('anthropic', '/v1/messages', toolUse('functions_f_0_1a2b3c4d')) },
  { name: 'Anthropic: max_tokens missing', bad: body('anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }), good: body('anthropic', '/v1/messages', anthropic({})) },
  {
    name: 'Anthropic: a key the definition does not declare, unless the caller put it in extra_body',
    bad: body('anthropic', '/v1/messages', anthropic({ seed: 1 })),
    good: body('anthropic', '/v1/messages', anthropic({ seed: 1 }), ['seed']),
  },
  { name: 'OpenAI: empty messages', bad: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [] }), good: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }) },
  {
    name: 'OpenAI: unknown role',
    bad: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'critic', content: 'Hi' }] }),
    good: body('openai', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'developer', content: 'Hi' }] }),
  },
  { name: 'OpenAI embeddings: unknown key', bad: body('openai', '/v1/embeddings', { model: 'e', input: ['Hi'], normalize: true }), good: body('openai', '/v1/embeddings', { model: 'e', input: ['Hi'], dimensions: 8 }) },
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
