// fast-check arbitraries for provider RESPONSE bodies (issue 24, generated responses), drawn from
// the response definitions in ../shared/api-specs and the wire corpus, edge values included:
// - OpenAI CreateChatCompletionResponse (choices, ChatCompletionResponseMessage, CompletionUsage)
//   plus what OpenAI-compatible servers send (reasoning fields, text-part arrays, empty ids),
//   and CreateEmbeddingResponse (float arrays, base64 when asked, `index` in any order);
// - Anthropic Message (text / tool_use / thinking / redacted_thinking blocks, StopReason, Usage
//   with its nullable cache counts);
// - Bedrock ConverseResponse (ContentBlock union: text / toolUse / reasoningContent, StopReason,
//   TokenUsage) and the InvokeModel embedding bodies of the wire corpus (Titan v2
//   invoke_titan_embed_v2, Cohere v3 invoke_cohere_embed_v3, Cohere v4 invoke_cohere_embed_v4_by_type).
// Edges: no choices, empty content arrays, unknown stop reasons, missing usage, nulls where the
// definition allows null, vectors of the wrong length or count, empty vectors.
import fc from 'fast-check';
import type { ProviderType } from '../../../src/core/types.ts';
import { MINIMAL_RESPONSES } from '../minimal-responses.ts';

export interface ChatCase {
  provider: ProviderType;
  operation: 'chat';
  model: string;
  /** The JSON body, or raw JSON text (numbers with more digits than a double holds). */
  body: unknown;
}

export interface EmbeddingCase {
  provider: ProviderType;
  operation: 'embedding';
  model: string;
  input: string[];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
  /** One body per HTTP request: OpenAI and Cohere one, Titan one per input text (in input order). */
  bodies: unknown[];
  /** Bedrock `x-amzn-bedrock-input-token-count` per request, when sent. */
  tokenHeaders?: (string | undefined)[];
}

export type ResponseCase = ChatCase | EmbeddingCase;

/** Leaves a key out of a record arbitrary's result when its value is the ABSENT marker. */
export const ABSENT = Symbol('absent');
type Maybe<T> = T | typeof ABSENT;
function dropAbsent(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ABSENT));
}
const absentOr = <T>(arb: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<Maybe<T>> =>
  fc.oneof({ weight, arbitrary: fc.constant(ABSENT as Maybe<T>) }, w(3, arb as fc.Arbitrary<Maybe<T>>));
/** A weighted branch of `fc.oneof`. */
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const objectOf = (shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> => fc.record(shape).map(dropAbsent);

// Text: plain, empty, whitespace, and arbitrary UTF-16 (lone surrogates included).
const text = fc.oneof(
  w(4, fc.string({ maxLength: 12 })),
  w(2, fc.constantFrom('', ' ', '\n\t', 'Hi', 'Bonjour 👋')),
  w(1, fc.string({ unit: 'binary', maxLength: 6 })),
);
const tokens = fc.oneof(w(5, fc.nat({ max: 100_000 })), w(1, fc.constant(0)));
const toolName = fc.oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,11}$/), fc.constantFrom('get_weather', 'weather.get_forecast', ''));
const toolInput = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const argumentsText = fc.oneof(
  w(
    4,
    toolInput.map((input) => JSON.stringify(input)),
  ),
  w(1, fc.constantFrom('', '  ', '{"city": "Paris",\n "unit": "c"}', 'not json')),
);

// ---- OpenAI Chat Completions ----
const OPENAI_FINISH = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];
const openaiToolCall = fc.oneof(
  {
    weight: 8,
    arbitrary: objectOf({
      id: fc.oneof(w(4, fc.stringMatching(/^call_[A-Za-z0-9]{1,24}$/)), w(1, fc.constantFrom('', null, ABSENT))),
      type: fc.constant('function'),
      function: objectOf({ name: toolName, arguments: fc.oneof(w(6, argumentsText), w(1, toolInput)) }),
    }),
  },
  // A custom tool call (ChatCompletionMessageCustomToolCall): free-text input.
  w(
    1,
    objectOf({
      id: fc.stringMatching(/^call_[A-Za-z0-9]{1,12}$/),
      type: fc.constant('custom'),
      custom: objectOf({ name: toolName, input: text }),
    }),
  ),
  // Not an object: a compatible server's broken entry (engine-rules: dropped).
  w(1, fc.constantFrom(null, 'call', 3)),
);
const IMAGE_PART = { type: 'image_url', image_url: { url: 'https://x/y.png' } };
const openaiContent = fc.oneof(
  w(5, text),
  w(2, fc.constant(null)),
  w(1, fc.constant(ABSENT)),
  // OpenAI-compatible servers that answer with text parts.
  w(1, fc.array(fc.oneof(objectOf({ type: fc.constant('text'), text }), fc.constant(IMAGE_PART)), { maxLength: 3 })),
);
const openaiMessage = objectOf({
  role: fc.constant('assistant'),
  content: openaiContent,
  refusal: fc.oneof(w(6, fc.constant(null)), w(1, text), w(1, fc.constant(ABSENT))),
  tool_calls: absentOr(fc.array(openaiToolCall, { maxLength: 3 }), 3),
  function_call: fc.oneof(w(8, fc.constant(ABSENT)), w(1, objectOf({ name: toolName, arguments: argumentsText }))),
  reasoning_content: fc.oneof(w(6, fc.constant(ABSENT)), w(1, text), w(1, fc.constant(null))),
  reasoning: fc.oneof(w(8, fc.constant(ABSENT)), w(1, text)),
  annotations: absentOr(fc.constant([]), 3),
});
const openaiChoice = (position: number) =>
  objectOf({
    index: fc.oneof(w(8, fc.constant(position)), w(1, fc.constant(ABSENT))),
    message: fc.oneof(w(12, openaiMessage), w(1, fc.constantFrom(null, ABSENT))),
    finish_reason: fc.oneof(
      w(1, fc.constant(ABSENT)),
      w(8, fc.constantFrom(...OPENAI_FINISH)),
      // Unknown to the definition's enum — DeepSeek's insufficient_system_resource and OpenRouter's
      // error (an interrupted generation, issue 30), a future value — and null.
      w(1, fc.constantFrom('insufficient_system_resource', 'error', 'future_reason', null)),
    ),
    logprobs: fc.oneof(w(4, fc.constant(null)), w(1, fc.constant(ABSENT))),
  });
const openaiChoices = fc.oneof(
  w(
    8,
    fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => openaiChoice(i)))),
  ),
  w(1, fc.constant([])),
  w(1, fc.constantFrom(ABSENT, null)),
);
// Compatible servers leave counts out or send null (engine-rules: a missing number counts as 0).
const count = fc.oneof(w(6, tokens), w(1, fc.constantFrom(ABSENT, null)));
const openaiUsage = objectOf({
  prompt_tokens: count,
  completion_tokens: count,
  total_tokens: count,
  completion_tokens_details: absentOr(objectOf({ reasoning_tokens: absentOr(tokens), accepted_prediction_tokens: absentOr(tokens) })),
  prompt_tokens_details: absentOr(objectOf({ cached_tokens: absentOr(tokens), audio_tokens: absentOr(tokens) })),
});
export const openaiChatBody = objectOf({
  id: fc.oneof(w(8, fc.stringMatching(/^chatcmpl-[A-Za-z0-9]{1,12}$/)), w(1, fc.constant(ABSENT))),
  object: fc.constant('chat.completion'),
  created: fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
  model: fc.oneof(w(8, fc.constantFrom('gpt-4o-2024-08-06', 'deepseek-chat')), w(1, fc.constant(ABSENT))),
  choices: openaiChoices,
  usage: fc.oneof(w(4, openaiUsage), w(1, fc.constantFrom(ABSENT, null))),
  system_fingerprint: absentOr(fc.constant('fp_1')),
  service_tier: absentOr(fc.constantFrom('default', null)),
});

// ---- Anthropic Messages ----
const ANTHROPIC_STOP = ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded'];
const anthropicBlock = fc.oneof(
  w(4, objectOf({ type: fc.constant('text'), text, citations: fc.constant(null) })),
  {
    weight: 3,
    arbitrary: objectOf({
      type: fc.constant('tool_use'),
      id: fc.oneof(w(6, fc.stringMatching(/^toolu_[A-Za-z0-9]{1,20}$/)), w(1, fc.constant(''))),
      name: toolName,
      input: toolInput,
    }),
  },
  w(2, objectOf({ type: fc.constant('thinking'), thinking: text, signature: fc.base64String({ minLength: 4, maxLength: 16 }) })),
  w(1, objectOf({ type: fc.constant('redacted_thinking'), data: fc.base64String({ minLength: 4, maxLength: 16 }) })),
  // A text block with citations (ResponseCharLocationCitation): the text is kept, citations have no canonical field.
  {
    weight: 1,
    arbitrary: objectOf({
      type: fc.constant('text'),
      text,
      citations: fc.constant([
        { type: 'char_location', cited_text: 'x', document_index: 0, document_title: null, start_char_index: 0, end_char_index: 1 },
      ]),
    }),
  },
  // Server tools (ResponseServerToolUseBlock, ResponseWebSearchToolResultBlock): no canonical field.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'weather' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [] },
    ),
  },
);
const anthropicUsage = objectOf({
  input_tokens: tokens,
  output_tokens: tokens,
  cache_creation_input_tokens: fc.oneof(tokens, fc.constant(null), fc.constant(ABSENT)),
  cache_read_input_tokens: fc.oneof(tokens, fc.constant(null), fc.constant(ABSENT)),
  server_tool_use: fc.constantFrom(null, ABSENT),
  service_tier: fc.constantFrom('standard', null, ABSENT),
});
export const anthropicMessageBody = objectOf({
  id: fc.stringMatching(/^msg_[A-Za-z0-9]{1,16}$/),
  type: fc.constant('message'),
  role: fc.constant('assistant'),
  model: fc.constantFrom('claude-sonnet-4-5-20250929', 'claude-3-5-haiku-20241022'),
  content: fc.oneof(w(6, fc.array(anthropicBlock, { maxLength: 4 })), w(1, fc.constant([]))),
  stop_reason: fc.oneof(w(8, fc.constantFrom(...ANTHROPIC_STOP)), w(1, fc.constantFrom(null, 'future_reason'))),
  stop_sequence: fc.constantFrom(null, ABSENT, '###'),
  usage: fc.oneof(w(6, anthropicUsage), w(1, fc.constant(ABSENT))),
});

// ---- Bedrock Converse ----
/** Valid padded base64 (a Smithy blob), which the AWS SDK decodes. */
const blob = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
const BEDROCK_STOP = [
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'guardrail_intervened',
  'content_filtered',
  'malformed_model_output',
  'malformed_tool_use',
  'model_context_window_exceeded',
];
const bedrockBlock = fc.oneof(
  w(4, objectOf({ text })),
  // CitationsContentBlock: the answer's text in content[].text (engine-rules).
  w(1, objectOf({ citationsContent: objectOf({ content: fc.array(objectOf({ text }), { maxLength: 2 }), citations: fc.constant([]) }) })),
  {
    weight: 3,
    arbitrary: objectOf({
      toolUse: objectOf({
        toolUseId: fc.stringMatching(/^tooluse_[a-zA-Z0-9_-]{1,20}$/),
        name: toolName,
        // A Smithy Document: any JSON value, though models answer objects.
        input: fc.oneof(w(6, toolInput), w(1, fc.jsonValue({ maxDepth: 1 }))),
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: objectOf({
      reasoningContent: objectOf({
        reasoningText: objectOf({ text, signature: absentOr(fc.base64String({ minLength: 4, maxLength: 16 })) }),
      }),
    }),
  },
  w(1, objectOf({ reasoningContent: objectOf({ redactedContent: blob }) })),
);
const bedrockUsage = objectOf({
  inputTokens: tokens,
  outputTokens: tokens,
  totalTokens: tokens,
  cacheReadInputTokens: absentOr(tokens),
  cacheWriteInputTokens: absentOr(tokens),
});
export const converseBody = objectOf({
  output: objectOf({
    message: objectOf({
      role: fc.constant('assistant'),
      content: fc.oneof(w(6, fc.array(bedrockBlock, { maxLength: 4 })), w(1, fc.constant([]))),
    }),
  }),
  stopReason: fc.oneof(w(8, fc.constantFrom(...BEDROCK_STOP)), w(1, fc.constant('future_reason'))),
  usage: fc.oneof(w(6, bedrockUsage), w(1, fc.constant(ABSENT))),
  metrics: objectOf({ latencyMs: fc.nat({ max: 10_000 }) }),
  additionalModelResponseFields: absentOr(fc.constant({ stop_sequence: null }), 3),
});

/**
 * A Converse answer whose tool input carries a decimal with more digits than a double holds, as
 * raw JSON text (JSON.stringify could not write it): the AWS SDK reads such a number differently.
 */
export const converseLongDecimalBody: fc.Arbitrary<string> = fc
  .tuple(converseBody, fc.stringMatching(/^[1-9][0-9]{0,3}\.[0-9]{17,24}[1-9]$/))
  .map(([body, digits]) => {
    const answer = body as { output: { message: { content: unknown[] } } };
    answer.output.message.content.push({ toolUse: { toolUseId: 'tooluse_long', name: 'locate', input: { latitude: '__LONG__' } } });
    return JSON.stringify(answer).replace('"__LONG__"', digits);
  });

// ---- Embeddings ----
/** float32 values, so a base64 round trip is exact. */
const component = fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true });
/** A vector of `natural` numbers mostly; the wrong length, or none, at the edges. */
const vector = (natural: number) =>
  fc
    .oneof(w(8, fc.constant(natural)), w(1, fc.constantFrom(0, natural - 1, natural + 1)))
    .chain((length) => fc.array(component, { minLength: length, maxLength: length }));
/** `n` mostly; one too few or too many at the edges. */
const countNear = (n: number) => fc.oneof(w(10, fc.constant(n)), w(1, fc.constantFrom(n - 1, n + 1)));

function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

interface EmbeddingAsk {
  n: number;
  dimensions: number | undefined;
}
const ask = (withDimensions: boolean) =>
  fc.record({
    n: fc.integer({ min: 1, max: 3 }),
    dimensions: withDimensions ? fc.option(fc.constantFrom(2, 3), { nil: undefined }) : fc.constant(undefined),
  });
const inputs = (n: number) => Array.from({ length: n }, (_, i) => `text ${i}`);
const NATURAL = 4;

export const openaiEmbeddingCase: fc.Arbitrary<EmbeddingCase> = fc
  .tuple(ask(true), fc.constantFrom(undefined, 'float' as const, 'base64' as const))
  .chain(([{ n, dimensions }, encoding]: [EmbeddingAsk, 'float' | 'base64' | undefined]) =>
    countNear(n).chain((count) =>
      fc
        .record({
          vectors: fc.array(vector(dimensions ?? NATURAL), { minLength: count, maxLength: count }),
          order: fc.oneof(fc.constant('input'), fc.constant('shuffled'), fc.constant('no-index')),
          seed: fc.nat(),
          usage: fc.oneof(w(4, objectOf({ prompt_tokens: tokens, total_tokens: absentOr(tokens) })), w(1, fc.constant(ABSENT))),
          model: absentOr(fc.constant('text-embedding-3-small')),
        })
        .map(({ vectors, order, seed, usage, model }): EmbeddingCase => {
          let data = vectors.map((v, index) => ({
            object: 'embedding',
            ...(order === 'no-index' ? {} : { index }),
            embedding: encoding === 'base64' ? float32Base64(v) : v,
          }));
          if (order === 'shuffled') {
            data = data
              .map((d, i) => ({ d, k: (i * 7919 + seed) % 104729 }))
              .sort((a, b) => a.k - b.k)
              .map(({ d }) => d);
          }
          return {
            provider: 'openai',
            operation: 'embedding',
            model: 'text-embedding-3-small',
            input: inputs(n),
            ...(dimensions !== undefined ? { dimensions } : {}),
            ...(encoding !== undefined ? { encoding_format: encoding } : {}),
            bodies: [dropAbsent({ object: 'list', data, model, usage })],
          };
        }),
    ),
  );

export const titanEmbeddingCase: fc.Arbitrary<EmbeddingCase> = ask(true).chain(({ n, dimensions }) =>
  fc.array(fc.record({ embedding: vector(dimensions ?? NATURAL), count: absentOr(tokens, 1) }), { minLength: n, maxLength: n }).map(
    (answers): EmbeddingCase => ({
      provider: 'bedrock',
      operation: 'embedding',
      model: 'amazon.titan-embed-text-v2:0',
      input: inputs(n),
      ...(dimensions !== undefined ? { dimensions } : {}),
      // invoke_titan_embed_v2: `embedding`, `embeddingsByType.float` (the same vector), `inputTextTokenCount`.
      bodies: answers.map((a) =>
        dropAbsent({ embedding: a.embedding, embeddingsByType: { float: a.embedding }, inputTextTokenCount: a.count }),
      ),
    }),
  ),
);

export const cohereEmbeddingCase: fc.Arbitrary<EmbeddingCase> = fc
  .tuple(ask(true), fc.constantFrom('v3', 'v4'))
  .chain(([{ n, dimensions: asked }, version]) => {
    const dimensions = version === 'v4' ? asked : undefined; // Embed v3 takes no dimensions (a local refusal, not a response case)
    return countNear(n).chain((count) =>
      fc
        .record({
          vectors: fc.array(vector(dimensions ?? NATURAL), { minLength: count, maxLength: count }),
          header: fc.option(tokens.map(String), { nil: undefined }),
        })
        .map(
          ({ vectors, header }): EmbeddingCase => ({
            provider: 'bedrock',
            operation: 'embedding',
            model: version === 'v4' ? 'cohere.embed-v4:0' : 'cohere.embed-english-v3',
            input: inputs(n),
            ...(dimensions !== undefined ? { dimensions } : {}),
            // invoke_cohere_embed_v3 (`embeddings` a list) and invoke_cohere_embed_v4_by_type (`embeddings.float`).
            bodies: [
              version === 'v4'
                ? { id: 'e0', embeddings: { float: vectors }, response_type: 'embeddings_by_type', texts: inputs(n) }
                : { id: 'e0', embeddings: vectors, response_type: 'embeddings_floats', texts: inputs(n) },
            ],
            tokenHeaders: [header],
          }),
        ),
    );
  });

export const CHAT_MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};

/**
 * Every response case of one provider: chat and embeddings (Anthropic has no embeddings), plus the
 * hand-written minimal bodies of minimal-responses.ts (every optional field absent or null).
 */
export function responseCase(provider: ProviderType): fc.Arbitrary<ResponseCase> {
  const chat = (body: fc.Arbitrary<unknown>) =>
    body.map((b): ChatCase => ({ provider, operation: 'chat', model: CHAT_MODELS[provider], body: b }));
  const minimal = fc
    .constantFrom(...MINIMAL_RESPONSES.filter((m) => m.provider === provider))
    .map(
      (m): ResponseCase =>
        m.operation === 'chat'
          ? { provider, operation: 'chat', model: m.model, body: m.body }
          : { provider, operation: 'embedding', model: m.model, input: ['Hello'], bodies: [m.body] },
    );
  if (provider === 'openai') return fc.oneof(w(3, chat(openaiChatBody)), w(2, openaiEmbeddingCase), w(1, minimal));
  if (provider === 'anthropic') return fc.oneof(w(5, chat(anthropicMessageBody)), w(1, minimal));
  const embeddings = [w(1, titanEmbeddingCase), w(1, cohereEmbeddingCase)];
  return fc.oneof(w(3, chat(converseBody)), w(1, chat(converseLongDecimalBody)), ...embeddings, w(1, minimal));
}
