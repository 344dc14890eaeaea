// Spans and metrics per model call, exported by the real OpenTelemetry SDK (in-memory exporters),
// on both engines, against the scripted provider over loopback: success, retry-then-success,
// 429, timeout, a tool loop and embeddings. No credential and no content leaves by default.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { createModelRegistry } from '../../src/index.ts';
import { tinyServer } from '../tools/fixtures/mcp-servers.ts';
import { bedrockKit, openaiEmbeddingReply, openaiErrorReply, openaiKit, type ProviderKit } from '../facade/helpers/provider-replies.ts';
import { ENGINES, fastRuntime, scriptedConfig, type ScriptedRegistryOptions } from '../facade/helpers/scripted-registry.ts';
import { ScriptedProvider } from '../facade/helpers/scripted-provider.ts';
import { OtelSdk, pointsOf, total, type MetricPoint } from './otel-sdk.ts';

/** A visibly fake key: it must never appear in any exported span or metric. */
const FAKE_KEY = 'sk-fake-otel-planted-key-0123456789';
const PROMPT = 'Capital of France?';

const MODELS: ScriptedRegistryOptions['models'] = [
  { alias: 'writer', model: openaiKit.model },
  { alias: 'embedder', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' } },
];

function openRegistry(kit: ProviderKit, server: ScriptedProvider, engine: EngineName, sdk: OtelSdk, captureContent = false): ModelRegistry {
  const config = scriptedConfig(kit, server, {
    provider: { apiKey: FAKE_KEY },
    models: kit === openaiKit ? MODELS : [{ alias: 'writer', model: kit.model }],
    tools: [{ toolAlias: 'multiply', providers: ['tiny'], allowTools: ['multiply'] }],
    mcpServers: [tinyServer],
  });
  return createModelRegistry(config, {
    engine,
    env: {},
    runtime: fastRuntime,
    logger: silentLogger,
    observability: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, captureContent },
  });
}

const byName = (spans: ReadableSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

function exported(spans: ReadableSpan[], points: MetricPoint[]): string {
  return JSON.stringify({
    spans: spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
    points,
  });
}

describe.each(ENGINES)('OpenTelemetry per call on the %s engine', (engine) => {
  let server: ScriptedProvider;
  let sdk: OtelSdk;
  let registry: ModelRegistry;

  beforeAll(async () => {
    server = await ScriptedProvider.start();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    sdk = new OtelSdk();
    registry = openRegistry(openaiKit, server, engine, sdk);
  });
  afterEach(async () => {
    await registry.close();
    await sdk.shutdown();
    server.reset();
  });

  const identity = {
    'dd.engine': engine,
    'dd.model.alias': 'writer',
    'dd.provider.name': 'scripted',
    'dd.provider.type': 'openai',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': openaiKit.model,
  };
  const metricTags = { 'dd.engine': engine, 'dd.provider.type': 'openai', 'dd.model.alias': 'writer' };

  it('success: a generate span, its chat span (GenAI attributes) and one attempt span; the GenAI and dd metrics', async () => {
    server.reply(openaiKit.reply({ text: 'Paris.', usage: { input: 12, output: 3 } }));
    const { output } = await registry.getModel('writer').generate(PROMPT);
    expect(output).toBe('Paris.');

    const spans = sdk.finishedSpans();
    const [generate] = byName(spans, 'generate ');
    const [chat] = byName(spans, 'chat ');
    const attempts = byName(spans, 'attempt ');
    expect(generate.name).toBe('generate writer');
    expect(generate.kind).toBe(SpanKind.INTERNAL);
    expect(chat.name).toBe(`chat ${openaiKit.model}`);
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(chat)).toBe(generate.spanContext().spanId);
    expect(chat.attributes).toMatchObject({
      ...identity,
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': expect.any(String),
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(chat.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(attempts).toHaveLength(1);
    expect(parentOf(attempts[0])).toBe(chat.spanContext().spanId);
    expect(attempts[0].attributes).toMatchObject({ ...identity, 'dd.attempt': 1, 'dd.admission.wait_ms': expect.any(Number) });
    expect(attempts[0].attributes['dd.error.class']).toBeUndefined();

    const points = await sdk.metrics();
    const chatTags = { ...metricTags, 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' };
    expect(total(points, 'gen_ai.client.operation.duration', chatTags)).toBe(1);
    expect(pointsOf(points, 'gen_ai.client.token.usage', { ...chatTags, 'gen_ai.token.type': 'input' })[0].sum).toBe(12);
    expect(pointsOf(points, 'gen_ai.client.token.usage', { ...chatTags, 'gen_ai.token.type': 'output' })[0].sum).toBe(3);
    expect(total(points, 'dd.model.calls', chatTags)).toBe(1);
    expect(total(points, 'dd.model.attempt.duration', chatTags)).toBe(1);
    expect(total(points, 'dd.admission.wait', chatTags)).toBe(1);
    expect(total(points, 'dd.model.errors')).toBe(0);
    expect(total(points, 'dd.model.retries')).toBe(0);
    expect(total(points, 'dd.model.rate_limited')).toBe(0);
    const [limit] = pointsOf(points, 'dd.admission.limit', metricTags);
    expect(limit.value).toBeGreaterThan(0);
  });

  it('retry then success: two attempt spans, the first failed with its class and status; dd.model.retries counts one', async () => {
    server.reply(openaiErrorReply(500, 'The server had an error while processing your request.'), openaiKit.reply({ text: 'ok' }));
    await registry.getModel('writer').completion([{ role: 'user', content: PROMPT }]);

    const spans = sdk.finishedSpans();
    expect(byName(spans, 'generate ')).toHaveLength(0);
    const [chat] = byName(spans, 'chat ');
    const attempts = byName(spans, 'attempt ').sort((a, b) => Number(a.attributes['dd.attempt']) - Number(b.attributes['dd.attempt']));
    expect(attempts.map((a) => a.attributes['dd.attempt'])).toEqual([1, 2]);
    for (const attempt of attempts) expect(parentOf(attempt)).toBe(chat.spanContext().spanId);
    expect(attempts[0].attributes).toMatchObject({
      'dd.error.class': 'ModelInternalServerError',
      'error.type': 'ModelInternalServerError',
      'http.response.status_code': 500,
      'dd.rate_limited': false,
    });
    expect(attempts[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1].attributes['dd.error.class']).toBeUndefined();
    expect(chat.status.code).not.toBe(SpanStatusCode.ERROR);

    const points = await sdk.metrics();
    expect(total(points, 'dd.model.retries', metricTags)).toBe(1);
    expect(total(points, 'dd.model.attempt.duration', { ...metricTags, 'dd.error.class': 'ModelInternalServerError' })).toBe(1);
    expect(total(points, 'dd.model.attempt.duration', metricTags)).toBe(2);
    expect(total(points, 'dd.model.errors')).toBe(0);
    expect(registry.runSummary().entries[0]).toMatchObject({ calls: 1, successes: 1, attempts: 2, retries: 1, rateLimited: 0 });
  });

  it('429: each rate-limited attempt carries dd.retry_after_ms and counts in dd.model.rate_limited; the call fails with ModelRateLimitError', async () => {
    const limited = { ...openaiErrorReply(429, 'Rate limit reached for requests', 'rate_limit_exceeded'), headers: { 'retry-after': '2' } };
    server.reply(...Array.from({ length: 10 }, () => limited));
    await expect(registry.getModel('writer').completion([{ role: 'user', content: PROMPT }])).rejects.toMatchObject({
      name: 'ModelRateLimitError',
    });
    const made = server.received.length;
    expect(made).toBeGreaterThan(1);

    const spans = sdk.finishedSpans();
    const attempts = byName(spans, 'attempt ');
    expect(attempts).toHaveLength(made);
    for (const attempt of attempts) {
      expect(attempt.attributes).toMatchObject({
        'dd.error.class': 'ModelRateLimitError',
        'dd.rate_limited': true,
        'dd.retry_after_ms': 2000,
        'http.response.status_code': 429,
      });
    }
    const [chat] = byName(spans, 'chat ');
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes).toMatchObject({ 'error.type': 'ModelRateLimitError', 'dd.error.class': 'ModelRateLimitError' });

    const points = await sdk.metrics();
    expect(total(points, 'dd.model.rate_limited', metricTags)).toBe(made);
    expect(total(points, 'dd.model.retries', metricTags)).toBe(made - 1);
    expect(total(points, 'dd.model.errors', { ...metricTags, 'error.type': 'ModelRateLimitError' })).toBe(1);
    expect(total(points, 'gen_ai.client.operation.duration', { ...metricTags, 'error.type': 'ModelRateLimitError' })).toBe(1);
    expect(registry.runSummary().entries[0]).toMatchObject({
      calls: 1,
      successes: 0,
      failures: { ModelRateLimitError: 1 },
      attempts: made,
      retries: made - 1,
      rateLimited: made,
    });
  });

  it('timeout: every attempt span ends as ModelTimeoutError, and so do the call and generate spans', async () => {
    server.reply(...Array.from({ length: 4 }, () => ({ ...openaiKit.reply({ text: 'late' }), delayMs: 1500 })));
    await expect(registry.getModel('writer').generate(PROMPT, { timeout_ms: 100 })).rejects.toMatchObject({ name: 'ModelTimeoutError' });

    const spans = sdk.finishedSpans();
    const attempts = byName(spans, 'attempt ');
    expect(attempts.length).toBe(4);
    for (const attempt of attempts) expect(attempt.attributes['dd.error.class']).toBe('ModelTimeoutError');
    const [generate] = byName(spans, 'generate ');
    expect(generate.status.code).toBe(SpanStatusCode.ERROR);
    expect(generate.attributes['error.type']).toBe('ModelTimeoutError');

    const points = await sdk.metrics();
    expect(total(points, 'dd.model.errors', { ...metricTags, 'dd.error.class': 'ModelTimeoutError' })).toBe(1);
    expect(total(points, 'dd.model.attempt.duration', { ...metricTags, 'error.type': 'ModelTimeoutError' })).toBe(4);
    expect(registry.runSummary().entries[0]).toMatchObject({ calls: 1, failures: { ModelTimeoutError: 1 }, attempts: 4, retries: 3 });
  }, 20_000);

  it('tool loop: both model calls are children of the generate span, each with its own attempt span', async () => {
    server.reply(
      openaiKit.reply({
        toolCalls: [{ id: 'call_bhZkmIKKItNGJ41whHUHB7p1', name: 'multiply', args: { a: 6, b: 7 } }],
        usage: { input: 20, output: 5 },
      }),
      openaiKit.reply({ text: '42', usage: { input: 30, output: 1 } }),
    );
    const { output } = await registry.getModel('writer').generate('Six times seven?', { toolAlias: 'multiply' });
    expect(output).toBe('42');

    const spans = sdk.finishedSpans();
    const [generate] = byName(spans, 'generate ');
    const chats = byName(spans, 'chat ');
    expect(chats).toHaveLength(2);
    for (const chat of chats) expect(parentOf(chat)).toBe(generate.spanContext().spanId);
    const finishReasons = chats.map((c) => c.attributes['gen_ai.response.finish_reasons']).sort();
    expect(finishReasons).toEqual([['stop'], ['tool_calls']]);
    const attempts = byName(spans, 'attempt ');
    expect(attempts.map(parentOf).sort()).toEqual(chats.map((c) => c.spanContext().spanId).sort());

    const points = await sdk.metrics();
    expect(total(points, 'dd.model.calls', metricTags)).toBe(2);
    expect(pointsOf(points, 'gen_ai.client.token.usage', { ...metricTags, 'gen_ai.token.type': 'input' })[0]).toMatchObject({
      value: 2,
      sum: 50,
    });
    expect(registry.runSummary().entries[0]).toMatchObject({
      calls: 1,
      successes: 1,
      attempts: 2,
      tokens: { input: 50, output: 6, reasoning: 0 },
    });
  }, 30_000);

  it('embeddings: an embeddings span and metrics with gen_ai.operation.name embeddings', async () => {
    server.reply(
      openaiEmbeddingReply(
        [
          [0.1, 0.2],
          [0.3, 0.4],
        ],
        7,
      ),
    );
    await registry.getModel('embedder').embed(['a', 'b']);
    const [span] = byName(sdk.finishedSpans(), 'embeddings ');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'dd.model.alias': 'embedder',
      'gen_ai.usage.input_tokens': 7,
      'dd.engine': engine,
    });
    const points = await sdk.metrics();
    expect(total(points, 'dd.model.calls', { 'gen_ai.operation.name': 'embeddings', 'dd.model.alias': 'embedder' })).toBe(1);
  });

  it('no credential and no content in any exported span or metric by default', async () => {
    server.reply(openaiErrorReply(500, 'oops'), openaiKit.reply({ text: 'Paris, the answer.' }));
    await registry.getModel('writer').generate(PROMPT);
    server.reply(openaiErrorReply(401, 'Incorrect API key provided'));
    await expect(registry.getModel('writer').generate(PROMPT)).rejects.toThrow();
    const text = exported(sdk.finishedSpans(), await sdk.metrics());
    expect(server.received[0].headers.authorization).toContain(FAKE_KEY);
    expect(text).toContain('ModelAuthenticationError');
    expect(text).not.toContain('fake');
    expect(text).not.toContain(PROMPT);
    expect(text).not.toContain('Paris');
    expect(text).not.toContain('gen_ai.input.messages');
  });
});

describe.each(ENGINES)('content capture opt-in on the %s engine', (engine) => {
  let server: ScriptedProvider;
  let sdk: OtelSdk;
  let registry: ModelRegistry;

  beforeAll(async () => {
    server = await ScriptedProvider.start();
    sdk = new OtelSdk();
    registry = openRegistry(openaiKit, server, engine, sdk, true);
  });
  afterAll(async () => {
    await registry.close();
    await sdk.shutdown();
    await server.close();
  });

  it('puts the messages and the answer on the chat span, with every secret redacted', async () => {
    server.reply(openaiKit.reply({ text: `Your key is ${FAKE_KEY}.` }));
    await registry.getModel('writer').generate(`${PROMPT} My key: ${FAKE_KEY}`);
    const [chat] = byName(sdk.finishedSpans(), 'chat ');
    const input = String(chat.attributes['gen_ai.input.messages']);
    const output = String(chat.attributes['gen_ai.output.messages']);
    expect(JSON.parse(input)).toEqual([{ role: 'user', content: `${PROMPT} My key: ***` }]);
    expect(JSON.parse(output)[0]).toMatchObject({ role: 'assistant', content: 'Your key is ***.', finish_reason: 'stop' });
    expect(exported(sdk.finishedSpans(), await sdk.metrics())).not.toContain('fake');
  });
});

describe.each(ENGINES)('Bedrock on the %s engine', (engine) => {
  it('names the provider aws.bedrock, as the GenAI conventions do, and counts a ThrottlingException as rate limited', async () => {
    const server = await ScriptedProvider.start();
    const sdk = new OtelSdk();
    const registry = openRegistry(bedrockKit, server, engine, sdk);
    try {
      server.reply(bedrockKit.reply({ text: 'Paris.', usage: { input: 9, output: 2 } }));
      await registry.getModel('writer').generate(PROMPT);
      const [chat] = byName(sdk.finishedSpans(), 'chat ');
      expect(chat.attributes).toMatchObject({
        'gen_ai.provider.name': 'aws.bedrock',
        'dd.provider.type': 'bedrock',
        'gen_ai.usage.input_tokens': 9,
        'gen_ai.usage.output_tokens': 2,
      });
      // A ThrottlingException (wire corpus bedrock/429_throttling_too_many_requests) counts as rate limited.
      server.reply(
        {
          status: 429,
          headers: { 'x-amzn-ErrorType': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
          body: {
            message: 'Too many requests, please wait before trying again. You have sent too many requests.  Wait before trying again.',
          },
        },
        bedrockKit.reply({ text: 'Paris.' }),
      );
      await registry.getModel('writer').generate(PROMPT);
      const limited = byName(sdk.finishedSpans(), 'attempt ').filter((a) => a.attributes['dd.rate_limited'] === true);
      expect(limited).toHaveLength(1);
      expect(limited[0].attributes['dd.error.class']).toBe('ModelRateLimitError');
      expect(registry.runSummary().entries[0]).toMatchObject({ calls: 2, successes: 2, attempts: 3, retries: 1, rateLimited: 1 });
      expect(total(await sdk.metrics(), 'dd.model.rate_limited', { 'dd.provider.type': 'bedrock' })).toBe(1);
    } finally {
      await registry.close();
      await sdk.shutdown();
      await server.close();
    }
  });
});

describe.each(ENGINES)('a failing host tracer on the %s engine', (engine) => {
  it('costs the attempts their spans, never the call: the retry and the answer are unchanged', async () => {
    const server = await ScriptedProvider.start();
    const sdk = new OtelSdk();
    const real = sdk.tracerProvider.getTracer('test');
    let failAll = false;
    // A host tracer whose span creation for attempts throws (a buggy processor, say).
    const tracerProvider = {
      getTracer: () => ({
        startSpan: (name: string, ...rest: any[]) => {
          if (failAll || name.startsWith('attempt ')) throw new Error('span processor bug');
          return (real.startSpan as any)(name, ...rest);
        },
        startActiveSpan: real.startActiveSpan.bind(real),
      }),
    } as unknown as import('@opentelemetry/api').TracerProvider;
    const registry = createModelRegistry(scriptedConfig(openaiKit, server, { models: MODELS }), {
      engine,
      env: {},
      runtime: fastRuntime,
      logger: silentLogger,
      observability: { tracerProvider, meterProvider: sdk.meterProvider },
    });
    try {
      server.reply(openaiErrorReply(500, 'The server had an error while processing your request.'), openaiKit.reply({ text: 'ok' }));
      const response = await registry.getModel('writer').completion([{ role: 'user', content: PROMPT }]);
      expect(response.choices[0].message.content).toBe('ok');
      expect(server.received).toHaveLength(2);
      expect(byName(sdk.finishedSpans(), 'chat ')).toHaveLength(1);
      expect(byName(sdk.finishedSpans(), 'attempt ')).toHaveLength(0);
      // Every span failing: generate and embed still answer as before.
      failAll = true;
      server.reply(openaiKit.reply({ text: 'Paris.' }), openaiEmbeddingReply([[0.5, 0.5]], 1));
      expect((await registry.getModel('writer').generate(PROMPT)).output).toBe('Paris.');
      expect(await registry.getModel('embedder').embed(['a'])).toEqual([[0.5, 0.5]]);
    } finally {
      await registry.close();
      await sdk.shutdown();
      await server.close();
    }
  });
});
