// The generated set: canonical requests written to exercise every translation rule
// (docs/engine-rules.md "Request translation" and the issue-11 rules) — roles, content parts,
// images, tools and tool choice, tool loops, thinking replay, sampling parameters, embeddings per
// family. Each becomes an in-memory fixture whose answer is a real 2xx body from the wire corpus,
// so the engines run to completion; only what they send is judged here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Exchange, Fixture } from '../../src/testing/fixture.ts';
import { WIRE_CORPUS_DIR } from '../contract/support.ts';

type Provider = Fixture['provider'];

interface Case {
  name: string;
  providers: readonly Provider[];
  operation?: Fixture['operation'];
  /** Per provider; defaults below. */
  model?: Partial<Record<Provider, string>>;
  request: Record<string, unknown>;
  /** The exchanges, when the corpus answer alone does not fit (a batched call, replayed by body). */
  exchanges?: (corpus: Exchange['response'], path: string) => Exchange[];
}

const CHAT_MODELS: Record<Provider, string> = {
  openai: 'gpt-4o',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
};
const ALL: readonly Provider[] = ['openai', 'anthropic', 'bedrock'];
const NOT_BEDROCK: readonly Provider[] = ['openai', 'anthropic'];

// A 1×1 transparent PNG.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const WEATHER = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const TIME = { type: 'function', function: { name: 'get_time' } };
const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });
const user = (content: unknown) => ({ role: 'user', content });
const assistant = (content: unknown, extra: Record<string, unknown> = {}) => ({ role: 'assistant', content, ...extra });
const tool = (id: string, content: unknown) => ({ role: 'tool', tool_call_id: id, content });

const TOOL_LOOP = [
  user('What is the weather in Paris and the time?'),
  assistant(null, { tool_calls: [call('call_a1', 'get_weather', '{"city":"Paris"}'), call('call_b2', 'get_time', '{}')] }),
  tool('call_a1', 'Sunny, 21 °C'),
  tool('call_b2', [
    { type: 'text', text: '14:05' },
    { type: 'text', text: 'CEST' },
  ]),
];

const THINKING_LOOP = {
  messages: [
    user('Weather in Paris?'),
    assistant(null, {
      reasoning_content: 'The user wants the weather.',
      thinking_blocks: [
        { type: 'thinking', thinking: 'The user wants the weather.', signature: 'EqQBCkYIARgCIkBsig' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
      ],
      tool_calls: [call('toolu_01A', 'get_weather', '{"city":"Paris"}')],
    }),
    tool('toolu_01A', 'Sunny'),
  ],
  tools: [WEATHER],
  max_tokens: 2048,
};

// Issue 18: a history as Data Designer users send it (engine-rules, "Conformance, second batch").
const JPG = PNG.replace('data:image/png', 'data:image/jpg');
const cached = (text: string) => ({ type: 'text', text, cache_control: { type: 'ephemeral' } });
const PERSON_SCHEMA = {
  type: 'json_schema',
  json_schema: {
    name: 'person',
    description: 'A person',
    schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
    strict: true,
  },
};
const BATCH_TEXTS = Array.from({ length: 2100 }, (_, i) => `text ${i}`);

/**
 * Two batches (2,048 + 52 texts), each answered with the corpus answer's one embedding repeated
 * per text; the batches go out concurrently, so they are matched by body.
 */
function batchExchanges(corpus: Exchange['response'], path: string): Exchange[] {
  const body = corpus.body as { data: { embedding: unknown }[] } & Record<string, unknown>;
  return [BATCH_TEXTS.slice(0, 2048), BATCH_TEXTS.slice(2048)].map((input) => ({
    request: { method: 'POST', path, body: { model: 'text-embedding-3-small', input, encoding_format: 'float' } },
    response: { ...corpus, body: { ...body, data: input.map((_, index) => ({ ...body.data[0], index })) } },
  }));
}

const ISSUE_18_CASES: Case[] = [
  {
    name: 'i18-tool-result-with-image',
    providers: ['anthropic', 'bedrock'],
    request: {
      messages: [
        user('Show me the chart'),
        assistant(null, { tool_calls: [call('call_i1', 'get_weather', '{"city":"Paris"}')] }),
        tool('call_i1', [
          { type: 'text', text: 'Chart:' },
          { type: 'image_url', image_url: { url: PNG } },
        ]),
      ],
      tools: [WEATHER],
    },
  },
  {
    name: 'i18-cache-control-on-parts',
    providers: ALL,
    request: {
      messages: [
        { role: 'system', content: [cached('You are a careful analyst.'), { type: 'text', text: 'Answer briefly.' }] },
        user([cached('A long shared document.'), { type: 'text', text: 'Summarise it.' }]),
        assistant([cached('Summary.')]),
        user('Shorter.'),
      ],
    },
  },
  {
    name: 'i18-cache-control-on-tool-result',
    providers: NOT_BEDROCK,
    request: {
      messages: [
        user('Weather?'),
        assistant(null, { tool_calls: [call('call_i2', 'get_weather', '{"city":"Paris"}')] }),
        tool('call_i2', [cached('Sunny, 21 °C')]),
      ],
      tools: [WEATHER],
    },
  },
  {
    name: 'i18-cache-control-one-hour',
    providers: ['anthropic', 'bedrock'],
    request: {
      messages: [
        user([
          { type: 'text', text: 'A long document.', cache_control: { type: 'ephemeral', ttl: '1h' } },
          { type: 'text', text: 'Summarise.' },
        ]),
      ],
    },
  },
  {
    name: 'i18-response-format-json-schema',
    providers: ALL,
    request: { messages: [user('Extract the person: Ada Lovelace')], response_format: PERSON_SCHEMA },
  },
  {
    name: 'i18-thinking-budget-without-max-tokens',
    providers: ['anthropic'],
    request: { messages: [user('Think hard: 17 × 23?')], extra_body: { thinking: { type: 'enabled', budget_tokens: 8000 } } },
  },
  {
    name: 'i18-unsigned-thinking-from-another-provider',
    providers: ALL,
    request: {
      messages: [
        user('2+2?'),
        assistant('4', { reasoning_content: 'Simple sum.', thinking_blocks: [{ type: 'thinking', thinking: 'Simple sum.' }] }),
        user('Times 3?'),
      ],
    },
  },
  {
    name: 'i18-image-jpg-media-type',
    providers: ALL,
    request: {
      messages: [
        user([
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: JPG } },
        ]),
      ],
    },
  },
  {
    name: 'i18-empty-system-and-stop-sequence',
    providers: ALL,
    request: { messages: [{ role: 'system', content: '' }, user('Count to ten')], stop: ['', 'END'] },
  },
  {
    name: 'i18-empty-assistant-turn-mid-history',
    providers: ALL,
    request: { messages: [user('Hi'), assistant(''), user('Are you there?'), assistant(null), user('Hello?')] },
  },
  {
    name: 'i18-embedding-over-2048-inputs',
    providers: ['openai'],
    operation: 'embedding',
    model: { openai: 'text-embedding-3-small' },
    request: { input: BATCH_TEXTS, encoding_format: 'float' },
    exchanges: batchExchanges,
  },
];

const CASES: Case[] = [
  { name: 'plain-user-string', providers: ALL, request: { messages: [user('Hello')] } },
  { name: 'system-and-user', providers: ALL, request: { messages: [{ role: 'system', content: 'Be brief.' }, user('Hello')] } },
  {
    name: 'two-system-messages-as-parts',
    providers: ALL,
    request: {
      messages: [
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Be brief.' },
            { type: 'text', text: 'Answer in French.' },
          ],
        },
        { role: 'system', content: 'No lists.' },
        user('Hello'),
      ],
    },
  },
  { name: 'multi-turn', providers: ALL, request: { messages: [user('Hi'), assistant('Hello! How can I help?'), user('Say goodbye.')] } },
  {
    name: 'assistant-text-parts',
    providers: ALL,
    request: {
      messages: [
        user('Hi'),
        assistant([
          { type: 'text', text: 'Hello.' },
          { type: 'text', text: 'How can I help?' },
        ]),
        user('Bye'),
      ],
    },
  },
  {
    name: 'user-text-parts-with-empty-part',
    providers: ALL,
    request: {
      messages: [
        user([
          { type: 'text', text: 'Describe' },
          { type: 'text', text: '' },
          { type: 'text', text: 'briefly.' },
        ]),
      ],
    },
  },
  {
    name: 'image-data-uri',
    providers: ALL,
    request: {
      messages: [
        user([
          { type: 'text', text: 'What is in this image?' },
          { type: 'image_url', image_url: { url: PNG } },
        ]),
      ],
    },
  },
  {
    name: 'image-http-url',
    providers: NOT_BEDROCK,
    request: {
      messages: [
        user([
          { type: 'text', text: 'What is this?' },
          {
            type: 'image_url',
            image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' },
          },
        ]),
      ],
    },
  },
  {
    name: 'tools-choice-auto',
    providers: ALL,
    request: { messages: [user('Weather in Paris?')], tools: [WEATHER, TIME], tool_choice: 'auto' },
  },
  {
    name: 'tools-choice-required',
    providers: ALL,
    request: { messages: [user('Weather in Paris?')], tools: [WEATHER], tool_choice: 'required' },
  },
  { name: 'tools-choice-none', providers: ALL, request: { messages: [user('Weather in Paris?')], tools: [WEATHER], tool_choice: 'none' } },
  {
    name: 'tools-choice-named',
    providers: ALL,
    request: {
      messages: [user('Weather in Paris?')],
      tools: [WEATHER, TIME],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    },
  },
  {
    name: 'tool-parameters-empty-object',
    providers: ALL,
    request: {
      messages: [user('What time is it?')],
      tools: [{ type: 'function', function: { name: 'get_time', description: 'Current time', parameters: {} } }],
    },
  },
  {
    name: 'tool-parameters-without-type',
    providers: ALL,
    request: {
      messages: [user('Weather?')],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { properties: { city: { type: 'string' } } } } }],
    },
  },
  {
    name: 'tool-description-empty',
    providers: ALL,
    request: {
      messages: [user('What time is it?')],
      tools: [{ type: 'function', function: { name: 'get_time', description: '', parameters: { type: 'object', properties: {} } } }],
    },
  },
  { name: 'tool-loop-parallel-results', providers: ALL, request: { messages: TOOL_LOOP, tools: [WEATHER, TIME] } },
  {
    name: 'tool-loop-with-text-and-system',
    providers: ALL,
    request: {
      messages: [
        { role: 'system', content: 'Use tools.' },
        user('Weather in Paris?'),
        assistant('Let me check.', { tool_calls: [call('call_c3', 'get_weather', '{"city":"Paris"}')] }),
        tool('call_c3', 'Rain'),
        assistant('It rains.'),
        user('Thanks'),
      ],
      tools: [WEATHER],
    },
  },
  {
    name: 'tool-result-then-user-message',
    providers: NOT_BEDROCK,
    request: { messages: [...TOOL_LOOP, user('And tomorrow?')], tools: [WEATHER, TIME] },
  },
  {
    name: 'two-user-messages-in-a-row',
    providers: ALL,
    request: {
      messages: [
        user('Hello'),
        user([
          { type: 'text', text: 'Are you there?' },
          { type: 'image_url', image_url: { url: PNG } },
        ]),
      ],
    },
  },
  {
    name: 'two-assistant-messages-in-a-row',
    providers: ALL,
    request: { messages: [user('Hello'), assistant('Hi.'), assistant('How can I help?'), user('Tell a joke.')] },
  },
  {
    name: 'foreign-tool-call-ids',
    providers: ALL,
    request: {
      messages: [
        user('Temperature?'),
        assistant(null, {
          tool_calls: [
            call('functions.get_weather:0', 'get_weather', '{"city":"Oslo"}'),
            call('call/with spaces+and#signs-that-run-well-past-the-sixty-four-character-bedrock-limit', 'get_time', '{}'),
          ],
        }),
        tool('functions.get_weather:0', '-3 °C'),
        tool('call/with spaces+and#signs-that-run-well-past-the-sixty-four-character-bedrock-limit', '09:00'),
      ],
      tools: [WEATHER, TIME],
    },
  },
  {
    name: 'thinking-replayed-in-tool-loop',
    providers: ['anthropic', 'bedrock'],
    request: { ...THINKING_LOOP, extra_body: { thinking: { type: 'enabled', budget_tokens: 1024 } } },
  },
  { name: 'thinking-blocks-dropped-for-openai', providers: ['openai'], request: THINKING_LOOP },
  {
    name: 'sampling-temperature-top-p-max-tokens-stop',
    providers: ALL,
    request: { messages: [user('Count')], temperature: 0.3, top_p: 0.9, max_tokens: 64, stop: '10' },
  },
  { name: 'sampling-stop-list', providers: ALL, request: { messages: [user('Count')], stop: ['5', 'five'] } },
  {
    name: 'sampling-seed-n-penalties-format',
    providers: ALL,
    request: {
      messages: [user('Give JSON')],
      seed: 7,
      n: 1,
      frequency_penalty: 0.5,
      presence_penalty: 0.2,
      response_format: { type: 'json_object' },
    },
  },
  {
    name: 'assistant-reasoning-content-sent-back',
    providers: ALL,
    request: { messages: [user('2+2?'), assistant('4', { reasoning_content: 'Simple sum.' }), user('Times 3?')] },
  },
  {
    name: 'embedding-float',
    providers: ['openai'],
    operation: 'embedding',
    model: { openai: 'text-embedding-3-large' },
    request: { input: ['Hello'], encoding_format: 'float' },
  },
  {
    name: 'embedding-dimensions',
    providers: ['openai'],
    operation: 'embedding',
    model: { openai: 'text-embedding-3-large' },
    request: { input: ['Hello'], dimensions: 256 },
  },
  {
    name: 'embedding-titan-v2-dimensions',
    providers: ['bedrock'],
    operation: 'embedding',
    model: { bedrock: 'amazon.titan-embed-text-v2:0' },
    request: { input: ['Hello', 'World'], dimensions: 256, extra_body: { normalize: true } },
  },
  {
    name: 'embedding-titan-v1',
    providers: ['bedrock'],
    operation: 'embedding',
    model: { bedrock: 'amazon.titan-embed-text-v1' },
    request: { input: ['Hello'] },
  },
  {
    name: 'embedding-cohere-v3-default',
    providers: ['bedrock'],
    operation: 'embedding',
    model: { bedrock: 'cohere.embed-english-v3' },
    request: { input: ['Hello'] },
  },
  {
    name: 'embedding-cohere-v3-input-type',
    providers: ['bedrock'],
    operation: 'embedding',
    model: { bedrock: 'cohere.embed-multilingual-v3' },
    request: { input: ['Hello'], extra_body: { input_type: 'search_query', truncate: 'END' } },
  },
  {
    name: 'embedding-cohere-v4-dimensions',
    providers: ['bedrock'],
    operation: 'embedding',
    model: { bedrock: 'us.cohere.embed-v4:0' },
    request: { input: ['Hello'], dimensions: 512 },
  },
  ...ISSUE_18_CASES,
];

function corpusResponse(file: string): Exchange['response'] {
  const raw = JSON.parse(readFileSync(resolve(WIRE_CORPUS_DIR, file), 'utf8')) as { exchanges: Exchange[] };
  const response = raw.exchanges[0].response;
  return { status: response.status, headers: response.headers ?? {}, body: response.body };
}

function answerFile(provider: Provider, operation: Fixture['operation'], model: string): string {
  if (operation === 'chat') {
    return {
      openai: 'openai/chat_system_prompt_text.json',
      anthropic: 'anthropic/system_prompt_text.json',
      bedrock: 'bedrock/converse_system_text.json',
    }[provider];
  }
  if (provider === 'openai') return 'openai/embeddings_float_full_vector.json';
  if (model.includes('titan')) return 'bedrock/invoke_titan_embed_v2.json';
  return model.includes('embed-v4') ? 'bedrock/invoke_cohere_embed_v4_by_type.json' : 'bedrock/invoke_cohere_embed_v3.json';
}

function pathOf(provider: Provider, operation: Fixture['operation'], model: string): string {
  if (provider === 'openai') return operation === 'chat' ? '/v1/chat/completions' : '/v1/embeddings';
  if (provider === 'anthropic') return '/v1/messages';
  return `/model/${encodeURIComponent(model)}/${operation === 'chat' ? 'converse' : 'invoke'}`;
}

/**
 * The corpus abbreviates Bedrock vectors (5 numbers of an answer asked at 256 or 512 dimensions);
 * a vector of another size than asked is a ModelAPIError (engine-rules), so the answer to a
 * request with `dimensions` is the recorded vector padded with zeros to that size.
 */
function sizedAnswer(response: Exchange['response'], request: Record<string, unknown>): Exchange['response'] {
  const size = request.dimensions;
  if (typeof size !== 'number') return response;
  const pad = (vector: number[]) => [...vector, ...Array.from({ length: Math.max(0, size - vector.length) }, () => 0)];
  const body = structuredClone(response.body) as Record<string, any>;
  if (Array.isArray(body.embedding)) body.embedding = pad(body.embedding);
  if (Array.isArray(body.embeddingsByType?.float)) body.embeddingsByType.float = pad(body.embeddingsByType.float);
  if (Array.isArray(body.embeddings?.float)) body.embeddings.float = body.embeddings.float.map(pad);
  return { ...response, body };
}

export function generatedFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const c of CASES) {
    const operation = c.operation ?? 'chat';
    for (const provider of c.providers) {
      const model = c.model?.[provider] ?? CHAT_MODELS[provider];
      const calls = provider === 'bedrock' && model.includes('titan') ? (c.request.input as unknown[]).length : 1;
      const response = sizedAnswer(corpusResponse(answerFile(provider, operation, model)), c.request);
      const exchange: Exchange = { request: { method: 'POST', path: pathOf(provider, operation, model) }, response };
      const exchanges = c.exchanges ? c.exchanges(response, exchange.request.path) : Array.from({ length: calls }, () => exchange);
      out.push({
        name: `generated/${provider}/${c.name}`,
        provider,
        operation,
        model,
        source: `generated; answer from wire-corpus/${answerFile(provider, operation, model)}`,
        request: c.request,
        exchanges,
      });
    }
  }
  return out;
}
