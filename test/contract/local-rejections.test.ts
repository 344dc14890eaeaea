// Requests an engine must refuse before sending anything (docs/contract.md "Provider translation", docs/engine-rules.md). They
// cannot be bundled fixtures — the format needs at least one exchange, and an unused exchange is
// a difference — so they are written here as fixtures with no exchanges and run through the same
// harness: any request that does reach the replay server shows up as a diff.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/testing/fixture.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { ENGINES, outcome, RUN_TIMEOUT_MS, show } from './support.ts';

interface Rejection {
  fixture: Fixture;
  error: string;
}

function local(
  name: string,
  provider: Fixture['provider'],
  operation: Fixture['operation'],
  model: string,
  request: Record<string, unknown>,
  error: string,
  notes: string,
): Rejection {
  return { fixture: { name, provider, operation, model, notes, request, exchanges: [] }, error };
}

const TOOL = {
  type: 'function',
  function: { name: 'get_capital', parameters: { type: 'object', properties: { country: { type: 'string' } } } },
};
const call = (id: string, args: string, name = 'get_capital') => ({ id, type: 'function', function: { name, arguments: args } });

const REJECTIONS: Rejection[] = [
  local(
    'bedrock/image-http-url-unsupported',
    'bedrock',
    'chat',
    'us.amazon.nova-pro-v1:0',
    {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this vegetable?' },
            {
              type: 'image_url',
              image_url: { url: 'https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg' },
            },
          ],
        },
      ],
    },
    'ModelUnsupportedCapabilityError',
    'Bedrock takes image bytes only; an http(s) URL is refused, never fetched.',
  ),
  local(
    'bedrock/tool-history-without-tools',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    {
      messages: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: null, tool_calls: [call('tooluse_1', '{"country":"France"}')] },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'Paris' },
      ],
    },
    'ModelBadRequestError',
    'Bedrock rejects tool blocks without toolConfig, so a request with tool history and no tools is refused locally.',
  ),
  local(
    'bedrock/embedding-unsupported-family',
    'bedrock',
    'embedding',
    'amazon.nova-micro-v1:0',
    { input: ['Hello'] },
    'ModelUnsupportedCapabilityError',
    'Only amazon.titan-embed-* and cohere.embed-* embed on Bedrock.',
  ),
  local(
    'bedrock/embedding-empty-input',
    'bedrock',
    'embedding',
    'amazon.titan-embed-text-v2:0',
    { input: [] },
    'ModelBadRequestError',
    'An empty input list is refused without a request.',
  ),
  local(
    'anthropic/embedding-unsupported',
    'anthropic',
    'embedding',
    'claude-sonnet-4-5',
    { input: ['Hello'] },
    'ModelUnsupportedCapabilityError',
    'Anthropic has no embeddings API.',
  ),
  local(
    'openai/embedding-empty-input',
    'openai',
    'embedding',
    'text-embedding-3-small',
    { input: [], encoding_format: 'float' },
    'ModelBadRequestError',
    'An empty input list is refused without a request.',
  ),
  local(
    'anthropic/tool-arguments-not-json',
    'anthropic',
    'chat',
    'claude-sonnet-4-5',
    {
      messages: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: null, tool_calls: [call('toolu_1', '{"country": France')] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Paris' },
      ],
      tools: [TOOL],
    },
    'ModelBadRequestError',
    'Anthropic needs tool_use.input as an object: unparseable arguments are refused, naming the call.',
  ),
  local(
    'bedrock/tool-arguments-not-an-object',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    {
      messages: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: null, tool_calls: [call('tooluse_1', '["France"]')] },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'Paris' },
      ],
      tools: [TOOL],
    },
    'ModelBadRequestError',
    'Bedrock needs toolUse.input as an object: JSON that is not an object is refused.',
  ),
  local(
    'openai/tool-message-without-tool-call-id',
    'openai',
    'chat',
    'gpt-4o',
    {
      messages: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: null, tool_calls: [call('call_1', '{"country":"France"}')] },
        { role: 'tool', content: 'Paris' },
      ],
      tools: [TOOL],
    },
    'ModelBadRequestError',
    'engine-rules: a tool message without tool_call_id is refused before any request.',
  ),
  local(
    'anthropic/tool-call-without-name',
    'anthropic',
    'chat',
    'claude-sonnet-4-5',
    {
      messages: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: null, tool_calls: [call('toolu_1', '{}', '')] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Paris' },
      ],
      tools: [TOOL],
    },
    'ModelBadRequestError',
    'engine-rules: a tool call without a function name is refused before any request.',
  ),
  local(
    'openai/embedding-input-not-strings',
    'openai',
    'embedding',
    'text-embedding-3-small',
    { input: ['Hello', 42] },
    'ModelBadRequestError',
    'engine-rules: an embedding input that is not all strings is refused before any request.',
  ),
  local(
    'bedrock/embedding-input-not-strings',
    'bedrock',
    'embedding',
    'amazon.titan-embed-text-v2:0',
    { input: ['Hello', null] },
    'ModelBadRequestError',
    'engine-rules: an embedding input that is not all strings is refused before any request.',
  ),
  local(
    'bedrock/embedding-unsupported-family-empty-input',
    'bedrock',
    'embedding',
    'amazon.nova-micro-v1:0',
    { input: [] },
    'ModelUnsupportedCapabilityError',
    'engine-rules: the unsupported-capability error wins over input validation (a Bedrock family with no embeddings, like Anthropic).',
  ),
  // engine-rules "Odd input": decided once, refused by both engines before the network.
  local(
    'openai/unknown-role',
    'openai',
    'chat',
    'gpt-4o',
    {
      messages: [
        { role: 'critic', content: 'Be harsh.' },
        { role: 'user', content: 'Hello' },
      ],
    },
    'ModelBadRequestError',
    'engine-rules Odd input: a role other than system/user/assistant/tool is refused, not sent.',
  ),
  local(
    'anthropic/unknown-role',
    'anthropic',
    'chat',
    'claude-sonnet-4-5',
    {
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'function', content: 'Paris' },
      ],
    },
    'ModelBadRequestError',
    'engine-rules Odd input: a role other than system/user/assistant/tool is refused, not sent.',
  ),
  local(
    'bedrock/unknown-role',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    {
      messages: [
        { role: 'developer', content: 'Answer briefly.' },
        { role: 'user', content: 'Hello' },
      ],
    },
    'ModelBadRequestError',
    'engine-rules Odd input: a role other than system/user/assistant/tool is refused, not sent.',
  ),
  local(
    'openai/temperature-nan',
    'openai',
    'chat',
    'gpt-4o',
    { messages: [{ role: 'user', content: 'Hello' }], temperature: Number.NaN },
    'ModelBadRequestError',
    'engine-rules Odd input: NaN would go out as null; a non-finite temperature is refused.',
  ),
  local(
    'anthropic/max-tokens-negative',
    'anthropic',
    'chat',
    'claude-sonnet-4-5',
    { messages: [{ role: 'user', content: 'Hello' }], max_tokens: -5 },
    'ModelBadRequestError',
    'engine-rules Odd input: max_tokens must be an integer of at least 1.',
  ),
  local(
    'bedrock/max-tokens-negative',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    { messages: [{ role: 'user', content: 'Hello' }], max_tokens: -1 },
    'ModelBadRequestError',
    'engine-rules Odd input: max_tokens must be an integer of at least 1.',
  ),
  local(
    'bedrock/top-p-infinite',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    { messages: [{ role: 'user', content: 'Hello' }], top_p: Number.POSITIVE_INFINITY },
    'ModelBadRequestError',
    'engine-rules Odd input: a non-finite top_p is refused.',
  ),
  local(
    'openai/n-zero',
    'openai',
    'chat',
    'gpt-4o',
    { messages: [{ role: 'user', content: 'Hello' }], n: 0 },
    'ModelBadRequestError',
    'engine-rules Odd input: n must be an integer of at least 1.',
  ),
  local(
    'openai/seed-fractional',
    'openai',
    'chat',
    'gpt-4o',
    { messages: [{ role: 'user', content: 'Hello' }], seed: 1.5 },
    'ModelBadRequestError',
    'engine-rules Odd input: seed must be an integer.',
  ),
  local(
    'bedrock/model-id-dot-segment',
    'bedrock',
    'chat',
    '..',
    { messages: [{ role: 'user', content: 'Hello' }] },
    'ModelBadRequestError',
    'engine-rules Odd input: a Bedrock model id of `..` is a URL dot segment (`/model/../converse` resolves to `/converse`).',
  ),
  // Issue 11 (engine-rules "Request translation"): what a provider's API definition refuses.
  local(
    'bedrock/user-message-right-after-tool-results',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    {
      messages: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: null, tool_calls: [call('tooluse_1', '{"country":"France"}')] },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'Paris' },
        { role: 'user', content: 'And of Spain?' },
      ],
      tools: [TOOL],
    },
    'ModelBadRequestError',
    'Converse takes neither two user turns in a row nor text in the tool-result turn (wire corpus 400_validation_tool_result_blocks_same_turn): refused, naming the fix.',
  ),
  local(
    'bedrock/embedding-titan-v1-dimensions',
    'bedrock',
    'embedding',
    'amazon.titan-embed-text-v1',
    { input: ['Hello'], dimensions: 256 },
    'ModelBadRequestError',
    'Titan Text v1 takes only inputText: dimensions would be dropped silently (or rejected), so it is refused.',
  ),
  local(
    'bedrock/embedding-cohere-v3-dimensions',
    'bedrock',
    'embedding',
    'cohere.embed-english-v3',
    { input: ['Hello'], dimensions: 256 },
    'ModelBadRequestError',
    'Cohere Embed v3 has no output dimension: refused rather than returning vectors of another size.',
  ),
  local(
    'anthropic/tool-parameters-not-an-object-schema',
    'anthropic',
    'chat',
    'claude-sonnet-4-5',
    {
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [{ type: 'function', function: { name: 'list_cities', parameters: { type: 'array', items: { type: 'string' } } } }],
    },
    'ModelBadRequestError',
    'A tool input schema must be of type "object" (Anthropic InputSchema): another type is refused, naming the tool.',
  ),
  local(
    'bedrock/tool-parameters-not-an-object-schema',
    'bedrock',
    'chat',
    'us.amazon.nova-micro-v1:0',
    {
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [{ type: 'function', function: { name: 'list_cities', parameters: { type: 'string' } } }],
    },
    'ModelBadRequestError',
    'A tool input schema must be of type "object" (Converse ToolInputSchema): another type is refused, naming the tool.',
  ),
];

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard.uninstall());
beforeEach(() => {
  guard.take();
});

describe.each(ENGINES)('%s engine refuses locally, before any request', (engine) => {
  for (const { fixture, error } of REJECTIONS) {
    it(`${fixture.name} -> ${error}`, async () => {
      const run = await runFixture(fixture, engine, { timeoutMs: RUN_TIMEOUT_MS });
      const problems: string[] = [];
      for (const where of guard.take()) problems.push(`network: a connection to ${where} left the loopback`);
      if (run.error?.type !== error) problems.push(`error: expected ${error}, got ${run.ok ? 'a response' : run.error?.type}`);
      if (run.attempts !== 0) problems.push(`${run.attempts} request(s) reached the provider`);
      if (run.sleeps.length) problems.push(`slept ${show(run.sleeps)}: a local refusal is not retried`);
      if (problems.length > 0) expect.fail(`${fixture.notes}\n${outcome(run)}\n  - ${problems.join('\n  - ')}`);
    });
  }
});
