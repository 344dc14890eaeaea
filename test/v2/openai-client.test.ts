// The OpenAI adapter against a loopback server: what goes on the wire and what comes back.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ModelAPIError,
  ModelBadRequestError,
  ModelQuotaExceededError,
  ModelRateLimitError,
  ModelTimeoutError,
} from '../../src/core/errors.ts';
import type { ModelClient } from '../../src/core/model-client.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { factoryArgs, recordingRuntime } from './factory-args.ts';
import { type LoopbackProvider, type ScriptedResponse, startLoopbackProvider } from './loopback-provider.ts';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } },
};

let server: LoopbackProvider | undefined;
let client: ModelClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(
  script: ScriptedResponse[],
  provider: Record<string, unknown> = {},
  model: Record<string, unknown> = {},
): Promise<{ server: LoopbackProvider; client: ModelClient; runtime: ReturnType<typeof recordingRuntime> }> {
  server = await startLoopbackProvider(script);
  const runtime = recordingRuntime();
  client = await createClient(
    factoryArgs(
      { name: `oa-${Math.random()}`, endpoint: `${server.url}/v1`, providerType: 'openai', ...provider },
      { alias: 'small', model: 'gpt-4o-mini', ...model },
      { runtime },
    ),
  );
  return { server, client, runtime };
}

describe('v2 openai adapter: wire', () => {
  it('posts the canonical body to {endpoint}/chat/completions with no Authorization when there is no key', async () => {
    const { server, client } = await setup([{ status: 200, body: completion }]);
    const response = await client.chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      temperature: 0.2,
      extra_body: { reasoning_effort: 'low', temperature: 0.3 },
      extra_headers: { 'x-trace': 'abc' },
    });
    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['x-trace']).toBe('abc');
    expect(sent.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      temperature: 0.3,
      reasoning_effort: 'low',
    });
    expect(response).toEqual({
      id: 'chatcmpl-1',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.', reasoning_content: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, cached_prompt_tokens: 0 },
    });
  });

  it('sends the key as a bearer token and the request as given (the facade owns precedence)', async () => {
    const { server, client } = await setup(
      [{ status: 200, body: completion }],
      {
        apiKey: 'sk-test-abcdefghijklmnop',
        extraBody: { seed: 7, n: 5 },
        extraHeaders: { 'x-trace': 'provider' },
      },
      { inferenceParameters: { extraBody: { top_k: 3 } } },
    );
    await client.chat({
      model: '',
      messages: [{ role: 'user', content: 'hi' }],
      extra_body: { seed: 1 },
      extra_headers: { 'x-trace': 'caller' },
    });
    const [sent] = server.requests;
    expect(sent.headers.authorization).toBe('Bearer sk-test-abcdefghijklmnop');
    expect(sent.headers['x-trace']).toBe('caller');
    // An empty request model falls back to the model config's id.
    expect(sent.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], seed: 1 });
  });

  it('rejects malformed requests before any attempt, naming what to fix', async () => {
    const { server, client } = await setup([]);
    const chat = (request: Record<string, unknown>, options?: Record<string, unknown>): Promise<Error> =>
      client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...request } as never, options).then(
        () => new Error('expected a rejection'),
        (e: unknown) => e as Error,
      );
    expect((await chat({ messages: [] })).message).toMatch(/no messages/);
    expect((await chat({ messages: [{ role: 'user', content: 42 }] })).message).toMatch(/neither a string nor an array of parts/);
    expect((await chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] })).message).toMatch(
      /image_url part needs image_url.url/,
    );
    expect((await chat({ timeout_ms: 0 })).message).toMatch(/timeout_ms must be a positive number/);
    expect((await chat({}, { timeoutMs: -5 })).message).toMatch(/CallOptions.timeoutMs must be a positive number/);
    expect((await chat({ timeout_ms: 0 })).name).toBe('ModelBadRequestError');
    expect(server.requests).toHaveLength(0);
  });

  it('never sends timeouts, thinking blocks or empty reasoning', async () => {
    const { server, client } = await setup([{ status: 200, body: completion }]);
    await client.chat({
      model: 'gpt-4o-mini',
      timeout_ms: 5000,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
    });
    expect(server.requests[0].body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
    });
  });

  it('embeds without adding encoding_format and decodes base64 vectors', async () => {
    const floats = Buffer.alloc(8);
    floats.writeFloatLE(0.5, 0);
    floats.writeFloatLE(-2, 4);
    const { server, client } = await setup([
      {
        status: 200,
        body: {
          object: 'list',
          model: 'text-embedding-3-small',
          data: [
            { index: 1, embedding: floats.toString('base64') },
            { index: 0, embedding: [1, 2] },
          ],
          usage: { prompt_tokens: 4, total_tokens: 4 },
        },
      },
    ]);
    const response = await client.embed({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(server.requests[0].path).toBe('/v1/embeddings');
    expect(server.requests[0].body).toEqual({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(response).toEqual({
      model: 'text-embedding-3-small',
      data: [
        { index: 0, embedding: [1, 2] },
        { index: 1, embedding: [0.5, -2] },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
  });

  it('rejects a count mismatch and an empty input list', async () => {
    const { server, client } = await setup([{ status: 200, body: { data: [{ index: 0, embedding: [1] }] } }]);
    await expect(client.embed({ model: 'e', input: [] })).rejects.toBeInstanceOf(ModelBadRequestError);
    expect(server.requests).toHaveLength(0);
    await expect(client.embed({ model: 'e', input: ['a', 'b'] })).rejects.toThrow(/1 embeddings for 2 input texts/);
  });
});

describe('v2 openai adapter: failures and retries', () => {
  it('makes exactly the attempts of our policy: 429 then 200 is two requests and one backoff sleep', async () => {
    const { server, client, runtime } = await setup([
      { status: 429, body: { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } } },
      { status: 200, body: completion },
    ]);
    const response = await client.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.choices[0].message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '0']);
    // 2000 × 2^0 × (0.8 + 0.4 × 0.5), then the AIMD cooldown is already over on the advanced clock.
    expect(runtime.sleeps).toEqual([2000]);
  });

  it('gives up after 1 + 3 attempts on persistent 429s and honours retry-after-ms', async () => {
    const limited: ScriptedResponse = { status: 429, headers: { 'retry-after-ms': '1500' }, body: { error: { message: 'slow down' } } };
    const { server, client, runtime } = await setup([limited, limited, limited, limited]);
    const failure = await client.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelRateLimitError);
    expect((failure as ModelRateLimitError).retryAfterMs).toBe(1500);
    expect(server.requests).toHaveLength(4);
    expect(runtime.sleeps).toEqual([1500, 1500, 1500]);
  });

  it('classifies insufficient_quota 429 as quota and never retries it', async () => {
    const { server, client } = await setup([
      {
        status: 429,
        body: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } },
      },
    ]);
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(ModelQuotaExceededError);
    expect(server.requests).toHaveLength(1);
  });

  it('reads a top-level vLLM error message the SDK itself drops', async () => {
    const { client } = await setup([
      { status: 400, body: { object: 'error', message: "This model's maximum context length is 4096 tokens.", code: 400 } },
    ]);
    const failure = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect((failure as Error).name).toBe('ModelContextWindowExceededError');
    expect((failure as ModelAPIError).providerMessage).toContain('maximum context length is 4096');
  });

  it('retries a 400 marked x-should-retry: true with backoff (retry-after-ms 0 is no hint)', async () => {
    const { server, client, runtime } = await setup([
      { status: 400, headers: { 'x-should-retry': 'true', 'retry-after-ms': '0' }, body: { error: { message: 'request failed' } } },
      { status: 200, body: completion },
    ]);
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests).toHaveLength(2);
    expect(runtime.sleeps).toEqual([2000]);
  });

  it('turns a 2xx with a non-JSON body into a ModelAPIError without retrying', async () => {
    const { server, client } = await setup([{ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy</html>' }]);
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(ModelAPIError);
    expect(server.requests).toHaveLength(1);
  });

  it('turns invalid JSON under a JSON content type into a ModelAPIError', async () => {
    const { client } = await setup([{ status: 200, body: '{"choices": [' }]);
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(ModelAPIError);
  });

  it('enforces the attempt deadline and retries timeouts', async () => {
    const { server, client } = await setup([
      { status: 200, body: completion, delayMs: 500 },
      { status: 200, body: completion },
    ]);
    const response = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 100 });
    expect(response.choices[0].message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('surfaces a timeout as ModelTimeoutError once the budget is spent', async () => {
    const slow: ScriptedResponse = { status: 200, body: completion, delayMs: 400 };
    const { server, client } = await setup([slow, slow, slow, slow], {}, { inferenceParameters: { timeoutSeconds: 1 } });
    const failure = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], timeout_ms: 50 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelTimeoutError);
    expect(server.requests).toHaveLength(4);
  });

  it('the deadline also covers a body that stalls after the headers', async () => {
    const stalled: ScriptedResponse = { status: 200, body: completion, stallBodyMs: 1000 };
    const { server, client } = await setup([stalled, { status: 200, body: completion }]);
    const response = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 150 });
    expect(response.choices[0].message.content).toBe('Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('rethrows the caller abort reason without retrying', async () => {
    const { server, client } = await setup([{ status: 200, body: completion, delayMs: 1000 }]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 50);
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal })).rejects.toBe(
      reason,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the key out of error messages', async () => {
    const key = 'sk-proj-fakesecretsecret1234';
    const { client } = await setup([{ status: 401, body: { error: { message: `Incorrect API key provided: ${key}` } } }], { apiKey: key });
    const failure = (await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelAuthenticationError');
    expect(failure.message).not.toContain(key);
    expect(JSON.stringify(failure)).not.toContain(key);
  });
});
