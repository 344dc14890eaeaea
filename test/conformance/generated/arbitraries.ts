// fast-check arbitraries for the whole canonical chat request (src/core/types.ts), drawn from the
// space a real user's history can hold, not from the defects known today: every role; text as a
// string or parts (blank, whitespace, unicode, lone surrogates, cache_control right and wrong);
// images by data URI (every media type the providers name, and some they do not) and by URL; file
// (document) parts in the OpenAI wire shape (ChatCompletionRequestMessageContentPartFile); tool
// calls and results with ids in each provider's alphabet, long, repeated and empty; thinking
// blocks signed, unsigned and redacted; tools with names inside and outside each provider's
// pattern and schemas using $ref, oneOf, no type, strict; sampling parameters at and past their
// bounds, `null` wherever the OpenAI wire shape allows it (docs/contract.md "Canonical types": null means unset); stop lists
// of 0–5; extra_body fields; per-call headers; roles the canonical type does not have; empty
// conversations. Histories mix provider shapes (a Kimi id on Anthropic, unsigned gpt-oss reasoning
// on Bedrock, a tool renamed for this provider but called by its old name in earlier turns), so a
// conversation begun on one provider is continued on another. Weights keep most cases
// well-formed, so that most bodies reach the wire and are judged.
import fc from 'fast-check';
import type { ChatRequest } from '../../../src/core/types.ts';

type Json = Record<string, unknown>;

/** Shrinking may jump to a oneof's first (plainest) branch, so shrunk cases read like real requests. */
const CROSS_SHRINK = { withCrossShrink: true } as const;

// A 1×1 PNG (the bytes do not match every media type below; no provider decodes them here).
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
// "%PDF-1.4\n%âãÏÓ\n" — the start of a PDF, enough for an opaque payload.
const PDF_BASE64 = 'JVBERi0xLjQKJeLjz9MK';

const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/jpg', 'image/pjpeg', 'image/gif', 'image/webp', 'IMAGE/PNG'];
const ODD_MEDIA_TYPES = ['image/svg+xml', 'image/bmp', 'image/tiff'];

/** Words, so that texts are distinct enough for conservation to mean something. */
const word = fc.constantFrom(
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'Paris',
  'Zürich',
  '東京',
  'naïve',
  '🙂',
);
const sentence = fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(' '));

/** Any text a history may carry, blank and odd ones included. */
export const textValue: fc.Arbitrary<string> = fc.oneof(
  CROSS_SHRINK,
  { weight: 8, arbitrary: sentence },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '  ', '\n', '\t \n', '\u00a0') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.tuple(sentence, fc.constantFrom('\ud800', '\udfff', '\udc00x')).map(([s, lone]) => `${s} ${lone}`) },
  { weight: 1, arbitrary: sentence.map((s) => ` ${s}\n`) },
);

const cacheControl = fc.oneof(
  CROSS_SHRINK,
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constant({ type: 'ephemeral' }) },
  { weight: 1, arbitrary: fc.constantFrom({ type: 'ephemeral', ttl: '5m' }, { type: 'ephemeral', ttl: '1h' }) },
  { weight: 1, arbitrary: fc.constantFrom<Json>({ type: 'persistent' }, { type: 'ephemeral', ttl: '10m' }) },
);

export const textPart = fc
  .record({ text: textValue, cache: cacheControl })
  .map(({ text, cache }) => (cache === undefined ? { type: 'text', text } : { type: 'text', text, cache_control: cache }));

const imagePart = fc.oneof(
  fc
    .record({
      media: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MEDIA_TYPES) }, fc.constantFrom(...ODD_MEDIA_TYPES)),
      detail: fc.constantFrom(undefined, 'auto', 'low', 'high'),
    })
    .map(({ media, detail }) => {
      const url = `data:${media};base64,${PNG_BASE64}`;
      return { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } };
    }),
  fc.constantFrom('https://example.com/cat.png', 'https://upload.wikimedia.org/a/b/Chart.jpg', 'http://example.org/img?x=1').map((url) => ({
    type: 'image_url',
    image_url: { url },
  })),
);

/** OpenAI's file part (ChatCompletionRequestMessageContentPartFile): inline data or a file id. */
const filePart = fc.oneof(
  fc.constantFrom('report.pdf', 'notes.txt').map((filename) => ({
    type: 'file',
    file: { filename, file_data: `data:application/pdf;base64,${PDF_BASE64}` },
  })),
  fc.constantFrom('file-abc123', 'file-XYZ9').map((file_id) => ({ type: 'file', file: { file_id } })),
);

function partsOf<T>(part: fc.Arbitrary<T>, max = 4): fc.Arbitrary<T[]> {
  return fc.array(part, { minLength: 0, maxLength: max });
}

/** Content a user or tool message may hold: a string, or parts of every kind. */
const richContent: fc.Arbitrary<string | Json[]> = fc.oneof(
  CROSS_SHRINK,
  { weight: 4, arbitrary: textValue },
  { weight: 3, arbitrary: partsOf<Json>(textPart as fc.Arbitrary<Json>) },
  {
    weight: 3,
    arbitrary: partsOf<Json>(
      fc.oneof(
        { weight: 6, arbitrary: textPart as fc.Arbitrary<Json> },
        { weight: 2, arbitrary: imagePart },
        { weight: 1, arbitrary: filePart },
      ),
    ),
  },
);

/** System and assistant content: text, occasionally a part the role cannot take. */
const plainContent: fc.Arbitrary<string | Json[]> = fc.oneof(
  CROSS_SHRINK,
  { weight: 5, arbitrary: textValue },
  { weight: 3, arbitrary: partsOf<Json>(textPart as fc.Arbitrary<Json>) },
  { weight: 1, arbitrary: partsOf<Json>(fc.oneof(textPart as fc.Arbitrary<Json>, imagePart, filePart), 3) },
);

// Tool names: valid everywhere, valid only on OpenAI (MCP's dotted names), or valid nowhere.
export const toolName = fc.oneof(
  CROSS_SHRINK,
  { weight: 12, arbitrary: fc.constantFrom('get_weather', 'lookup-2', 'search', 'get_time') },
  { weight: 2, arbitrary: fc.constantFrom('weather.get_forecast', 'fs:read', 'my tool', 'créer', 'a/b') },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(65), 'y'.repeat(129)) },
);

// Ids in each provider's alphabet, other providers' (Kimi, Mistral), long, empty; a small pool so
// that ids repeat across turns as they do in real histories.
export const toolCallId = fc.oneof(
  CROSS_SHRINK,
  { weight: 4, arbitrary: fc.constantFrom('call_a1', 'call_b2', 'call_Xy9Zk2LmN0pQ') },
  { weight: 2, arbitrary: fc.constantFrom('toolu_01A09q90qw90lq917835lq9', 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q') },
  { weight: 2, arbitrary: fc.constantFrom('functions.get_weather:0', 'functions.search:1', 'a1B2c3D4e') },
  { weight: 2, arbitrary: fc.constantFrom('', ' ') },
  { weight: 1, arbitrary: fc.constantFrom('c'.repeat(80), `call_${'9'.repeat(70)}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/) },
);

const toolArguments = fc.oneof(
  CROSS_SHRINK,
  { weight: 12, arbitrary: fc.constantFrom('{"city":"Paris"}', '{}', '{"q":"alpha","n":2}', '{"nested":{"a":[1,2]}}') },
  { weight: 1, arbitrary: fc.constantFrom('', 'not json', '[1,2]', 'null') },
);

const toolCall = fc.record({ id: toolCallId, name: toolName, args: toolArguments }).map(({ id, name, args }) => ({
  id,
  type: 'function',
  function: { name, arguments: args },
}));

const thinkingBlock = fc.oneof(
  fc
    .record({ text: textValue, sig: fc.constantFrom('EqQBCkYIARgCIkBsig', 'ErUBCkYICBgCIkA') })
    .map(({ text, sig }) => ({ type: 'thinking', thinking: text, signature: sig })),
  textValue.map((text) => ({ type: 'thinking', thinking: text })),
  fc.constant({ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' }),
);

const systemMessage = plainContent.map((content) => ({ role: 'system', content }));
const userMessage = richContent.map((content) => ({ role: 'user', content }));

function assistantWith(calls: fc.Arbitrary<Json[] | undefined>): fc.Arbitrary<Json> {
  return fc
    .record(
      {
        content: fc.oneof({ weight: 4, arbitrary: plainContent }, { weight: 2, arbitrary: fc.constant(null) }),
        tool_calls: calls,
        reasoning_content: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: textValue },
        ),
        thinking_blocks: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.array(thinkingBlock, { minLength: 0, maxLength: 3 }) },
        ),
      },
      { requiredKeys: ['content', 'tool_calls'] },
    )
    .map((fields) => {
      const out: Json = { role: 'assistant' };
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
      return out;
    });
}

const assistantMessage = assistantWith(
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.array(toolCall, { maxLength: 2 }) }),
);

/**
 * A tool loop as users replay it: an assistant turn with calls, then results — usually one per
 * call in order, sometimes reversed, missing, or answering an id nobody called — and, usually,
 * the assistant's reply.
 */
const toolLoop: fc.Arbitrary<Json[]> = fc
  .record({
    assistant: assistantWith(fc.array(toolCall, { minLength: 1, maxLength: 3 })),
    results: fc.array(richContent, { minLength: 3, maxLength: 3 }),
    shape: fc.constantFrom('in-order', 'in-order', 'in-order', 'in-order', 'reversed', 'first-missing', 'orphan'),
    orphanId: toolCallId,
    reply: fc.option(plainContent, { freq: 4, nil: undefined }),
  })
  .map(({ assistant, results, shape, orphanId, reply }) => {
    const calls = assistant.tool_calls as { id: string }[];
    let ids = calls.map((call) => call.id);
    if (shape === 'reversed') ids = [...ids].reverse();
    if (shape === 'first-missing') ids = ids.slice(1);
    if (shape === 'orphan') ids = [...ids, orphanId];
    const answers = ids.map((id, i) => ({ role: 'tool', tool_call_id: id, content: results[i % results.length] }));
    // Most loops end with the assistant's answer to the results, as a real history does.
    return [assistant, ...answers, ...(reply === undefined ? [] : [{ role: 'assistant', content: reply }])];
  });

const segment: fc.Arbitrary<Json[]> = fc.oneof(
  { weight: 5, arbitrary: userMessage.map((m) => [m]) },
  { weight: 3, arbitrary: assistantMessage.map((m) => [m]) },
  { weight: 3, arbitrary: toolLoop },
  { weight: 1, arbitrary: systemMessage.map((m) => [m]) },
  // A role the canonical type does not have (OpenAI's `developer`, the retired `function`).
  { weight: 1, arbitrary: fc.record({ role: fc.constantFrom('developer', 'function'), content: sentence }).map((m) => [m]) },
  {
    weight: 1,
    arbitrary: fc.record({ id: toolCallId, content: richContent }).map(({ id, content }) => [{ role: 'tool', tool_call_id: id, content }]),
  },
);

const conversation: fc.Arbitrary<Json[]> = fc
  .record({
    system: fc.option(systemMessage, { freq: 3 }),
    first: userMessage,
    rest: fc.array(segment, { maxLength: 5 }),
  })
  .map(({ system, first, rest }) => [...(system ? [system] : []), first, ...rest.flat()]);

/** A conversation; now and then none at all, or a system prompt alone. */
export const messages: fc.Arbitrary<Json[]> = fc.oneof(
  CROSS_SHRINK,
  { weight: 40, arbitrary: conversation },
  { weight: 1, arbitrary: fc.constant<Json[]>([]) },
  { weight: 1, arbitrary: systemMessage.map((m) => [m]) },
);

const schema = fc.oneof(
  CROSS_SHRINK,
  { weight: 3, arbitrary: fc.constant<Json>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) },
  { weight: 1, arbitrary: fc.constant<Json>({}) },
  { weight: 1, arbitrary: fc.constant<Json>({ properties: { q: { type: 'string' } } }) },
  {
    weight: 1,
    arbitrary: fc.constant<Json>({
      type: 'object',
      properties: { where: { $ref: '#/$defs/place' } },
      $defs: { place: { type: 'object', properties: { city: { type: 'string' } } } },
    }),
  },
  { weight: 1, arbitrary: fc.constant<Json>({ type: 'object', properties: { v: { oneOf: [{ type: 'string' }, { type: 'number' }] } } }) },
  { weight: 1, arbitrary: fc.constant<Json>({ oneOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object' }] }) },
  { weight: 1, arbitrary: fc.constantFrom<Json>({ type: 'string' }, { type: 'array', items: { type: 'string' } }) },
);

const toolDefinition = fc
  .record({
    name: toolName,
    description: fc.oneof({ weight: 3, arbitrary: sentence }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', ' ') }),
    parameters: fc.oneof({ weight: 4, arbitrary: schema }, { weight: 1, arbitrary: fc.constantFrom(undefined, null) }),
    strict: fc.constantFrom(undefined, undefined, true, false, null),
  })
  .map(({ name, description, parameters, strict }) => {
    const fn: Json = { name };
    if (description !== undefined) fn.description = description;
    if (parameters !== undefined) fn.parameters = parameters;
    if (strict !== undefined) fn.strict = strict;
    return { type: 'function', function: fn };
  });

/** A number at its bounds (often) or past them (now and then). */
function bounded(inside: number[], past: number[]): fc.Arbitrary<number> {
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...inside) }, { weight: 1, arbitrary: fc.constantFrom(...past) });
}

/** An optional field: absent (most often), explicit null, or a value. */
function optional<T>(value: fc.Arbitrary<T>, absent = 4): fc.Arbitrary<T | null | undefined> {
  return fc.oneof(
    CROSS_SHRINK,
    { weight: absent, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: value },
  );
}

const stopEntry = fc.oneof(
  CROSS_SHRINK,
  { weight: 10, arbitrary: fc.constantFrom('END', '###', '\n\nHuman:', 'stop here') },
  { weight: 2, arbitrary: fc.constantFrom('', ' ') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 42) },
);
const stop = fc.oneof(fc.array(stopEntry, { minLength: 0, maxLength: 5 }), fc.constantFrom<unknown>('END', ''));

const toolChoice = fc.constantFrom<unknown>(
  'auto',
  'required',
  'none',
  { type: 'function', function: { name: 'get_weather' } },
  { type: 'function', function: { name: 'weather.get_forecast' } },
);

const responseFormat = fc.constantFrom<Json>(
  { type: 'text' },
  { type: 'json_object' },
  {
    type: 'json_schema',
    json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
  },
  { type: 'json_schema', json_schema: { name: 'person', strict: true } },
);

const extraBody = fc.constantFrom<Json>(
  { top_k: 5 },
  { metadata: { user_id: 'user-123' } },
  { thinking: { type: 'enabled', budget_tokens: 2048 } },
  { thinking: { type: 'enabled', budget_tokens: 8000 } },
  { chat_template_kwargs: { enable_thinking: false } },
  { custom_vendor_flag: true },
);

/** A credential-looking value: it must never show in an error, a log or a body. */
export const HEADER_SECRET = 'sk-generated-header-secret-0042';

// Per-call headers: plain, carrying a key, and ones the transport cannot send (a non-token name,
// a header it owns, a control character in a value that also holds a key).
const extraHeaders = fc.constantFrom<Record<string, string>>(
  { 'x-request-tag': 'generated' },
  { 'x-api-key': HEADER_SECRET },
  { 'bad header': 'v' },
  { 'content-length': '5' },
  { 'x-note': `line\r\nbreak ${HEADER_SECRET}` },
);

const FIELDS = {
  tools: optional(fc.array(toolDefinition, { minLength: 0, maxLength: 3 }), 3),
  tool_choice: optional(toolChoice),
  temperature: optional(bounded([0, 0.7, 1, 2], [1.5, 2.5, -0.5, Number.NaN])),
  top_p: optional(bounded([0, 0.1, 0.95, 1], [1.2, -0.1])),
  max_tokens: optional(bounded([1, 256, 4096, 64_000], [0, -1, 1.5])),
  stop: optional(stop),
  seed: optional(bounded([0, 42, -7], [1.5]), 8),
  response_format: optional(responseFormat, 8),
  n: optional(bounded([1, 2], [0]), 8),
  frequency_penalty: optional(bounded([0, 1.5, -2], [2.5]), 8),
  presence_penalty: optional(bounded([0, -1.5, 2], [3]), 8),
  extra_body: optional(extraBody, 6),
  extra_headers: optional(extraHeaders, 12),
};

/**
 * Definitions for the tools a history calls. A name another provider allowed (MCP's
 * `weather.get_forecast`) is defined as the caller renames it for this provider
 * (`weather_get_forecast`), while the earlier turns keep the name they were called by.
 */
function toolsCalledIn(history: Json[]): Json[] {
  const names = new Set<string>();
  for (const message of history) {
    for (const call of (Array.isArray(message.tool_calls) ? message.tool_calls : []) as { function: { name: string } }[]) {
      names.add(call.function.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'unnamed');
    }
  }
  return [...names].map((name) => ({ type: 'function', function: { name, parameters: { type: 'object', properties: {} } } }));
}

/** The canonical request (model filled in by the runner), with OpenAI-shape nulls where allowed. */
export const chatRequest: fc.Arbitrary<Omit<ChatRequest, 'model'>> = fc
  .record(
    { messages, ...FIELDS, defineCalledTools: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)) },
    {
      requiredKeys: ['messages', 'defineCalledTools'],
    },
  )
  .map(({ defineCalledTools, ...fields }) => {
    const out: Json = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
    // A history with tool calls usually comes with the tools it called (Bedrock requires them).
    const called = toolsCalledIn(fields.messages);
    if (defineCalledTools && out.tools === undefined && called.length > 0) out.tools = called;
    return out as unknown as Omit<ChatRequest, 'model'>;
  });
