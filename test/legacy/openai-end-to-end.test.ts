import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ModelAPIConnectionError,
  ModelAPIError,
  ModelAuthenticationError,
  ModelBadRequestError,
  ModelInternalServerError,
  ModelQuotaExceededError,
  ModelRateLimitError,
  ModelTimeoutError,
} from '../../src/core/errors.ts';
import type { ChatRequest } from '../../src/core/types.ts';
import { legacyClient, recordingRuntime } from './support/clients.ts';
import { startLocalServer, type LocalServer, type Reply } from './support/local-server.ts';

const HELLO: ChatRequest = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hello' }] };
const OK: Reply = {
  status: 200,
  body: {
    id: 'chatcmpl-1',
    model: 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  },
};
const RATE_LIMITED: Reply = {
  status: 429,
  body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
};

let server: LocalServer | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server?.close();
  server = undefined;
});

async function setup(
  replies: Reply[] | ((req: never, i: number) => Reply),
  provider: Record<string, unknown> = {},
  model: Record<string, unknown> = {},
  random = 0.5,
) {
  server = await startLocalServer(replies as Reply[]);
  const recorder = recordingRuntime(random);
  const client = legacyClient({ endpoint: `${server.origin}/v1`, ...provider }, model, recorder.runtime);
  closers.push(() => client.close());
  return { client, sleeps: recorder.sleeps, server };
}

describe('legacy OpenAI-compatible client over HTTP', () => {
  it('posts to {endpoint}/chat/completions with Bearer auth and parses the answer', async () => {
    const { client, server } = await setup([OK], { apiKey: 'sk-local-test-key-123456' });
    const response = await client.chat(HELLO);
    expect(response).toEqual({
      id: 'chatcmpl-1',
      model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!', reasoning_content: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].method).toBe('POST');
    expect(server.requests[0].path).toBe('/v1/chat/completions');
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-local-test-key-123456');
    expect(server.requests[0].headers['content-type']).toBe('application/json');
    expect(server.requests[0].body).toEqual({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hello' }] });
    expect(client.engine).toBe('legacy');
  });

  it('sends no Authorization header without a key, and sends the request extras as given', async () => {
    // Provider extras are the facade's job (applied once, before `n` is stripped for generate);
    // the client must not re-apply them behind the facade's back.
    const { client, server } = await setup([OK], { extraHeaders: { 'X-Team': 'provider' }, extraBody: { top_k: 3, n: 5 } });
    await client.chat({
      ...HELLO,
      model: '',
      extra_headers: { 'x-team': 'caller', 'x-trace': 't1' },
      extra_body: { top_k: 1, min_p: 0.1 },
    });
    const [request] = server.requests;
    expect(request.headers).not.toHaveProperty('authorization');
    expect(request.headers['x-team']).toBe('caller');
    expect(request.headers['x-trace']).toBe('t1');
    // An empty request model falls back to the model config's id.
    expect(request.body).toEqual({ model: 'test-model-id', messages: [{ role: 'user', content: 'Hello' }], top_k: 1, min_p: 0.1 });
  });

  it('retries 429s with 2 s × 2^k backoff and recovers', async () => {
    const { client, sleeps, server } = await setup([RATE_LIMITED, RATE_LIMITED, OK]);
    const response = await client.chat(HELLO);
    expect(response.choices[0].message.content).toBe('Hi!');
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([2000, 4000]);
  });

  it('gives up on a 429 after 3 retries, honouring retry-after-ms, and reports the hint', async () => {
    const limited: Reply = { status: 429, headers: { 'retry-after-ms': '10' } };
    const { client, sleeps, server } = await setup([limited, limited, limited, limited, OK]);
    const error = await client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect((error as ModelRateLimitError).retryAfterMs).toBe(10);
    expect((error as ModelRateLimitError).status).toBe(429);
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toEqual([10, 10, 10]);
  });

  it('reads retry-after as an HTTP-date against the injected clock', async () => {
    const { runtime, sleeps } = recordingRuntime(0.5, Date.parse('Mon, 12 May 2025 11:11:55 GMT'));
    server = await startLocalServer([{ status: 429, headers: { 'retry-after': 'Mon, 12 May 2025 11:12:00 GMT' } }, OK]);
    const client = legacyClient({ endpoint: `${server.origin}/v1` }, {}, runtime);
    closers.push(() => client.close());
    await client.chat(HELLO);
    expect(sleeps).toEqual([5000]);
  });

  it('retries 5xx twice, then throws ModelInternalServerError', async () => {
    const failing: Reply = { status: 503, body: { error: { message: 'unavailable' } } };
    const { client, sleeps, server } = await setup([failing, failing, failing, OK], {}, {}, 0);
    await expect(client.chat(HELLO)).rejects.toBeInstanceOf(ModelInternalServerError);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([1600, 3200]);
  });

  it('obeys x-should-retry: false on a 5xx and x-should-retry: true on a 400', async () => {
    const noRetry = await setup([{ status: 500, headers: { 'x-should-retry': 'false' }, body: { error: { message: 'boom' } } }, OK]);
    const error = await noRetry.client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelInternalServerError);
    expect((error as ModelInternalServerError).retryable).toBe(false);
    expect(noRetry.server.requests).toHaveLength(1);
    await noRetry.client.close();
    await server?.close();

    const forced: Reply = {
      status: 400,
      headers: { 'x-should-retry': 'true', 'retry-after-ms': '0' },
      body: { error: { message: 'request failed' } },
    };
    const retry = await setup([forced, forced, OK]);
    await expect(retry.client.chat(HELLO)).resolves.toBeDefined();
    // retry-after-ms "0" is a hint of 0 → backoff is used.
    expect(retry.sleeps).toEqual([2000, 4000]);
  });

  it('never retries insufficient_quota, a 429 that is a quota error', async () => {
    const quota: Reply = {
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    };
    const { client, server } = await setup([quota, OK]);
    const error = await client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelQuotaExceededError);
    expect((error as ModelQuotaExceededError).providerMessage).toMatch(/exceeded your current quota/);
    expect(server.requests).toHaveLength(1);
  });

  it('enforces the per-attempt deadline and retries timeouts 3 times', async () => {
    const { client, sleeps, server } = await setup([{ hang: true }, { hang: true }, { hang: true }, { hang: true }]);
    const started = Date.now();
    await expect(client.chat({ ...HELLO, timeout_ms: 10_000 }, { timeoutMs: 60 })).rejects.toBeInstanceOf(ModelTimeoutError);
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('uses the model timeoutSeconds when the call sets none', async () => {
    const { client } = await setup(
      [{ hang: true }, { hang: true }, { hang: true }, { hang: true }],
      {},
      { inferenceParameters: { timeoutSeconds: 1 } },
    );
    const started = Date.now();
    await expect(client.chat(HELLO)).rejects.toBeInstanceOf(ModelTimeoutError);
    // Four attempts of one second each: the model value, not the 60 s default.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3900);
  }, 15_000);

  it('maps a refused connection to ModelAPIConnectionError after 2 retries', async () => {
    const probe = await startLocalServer([]);
    const origin = probe.origin;
    await probe.close();
    const { runtime, sleeps } = recordingRuntime();
    const client = legacyClient({ endpoint: `${origin}/v1` }, {}, runtime);
    closers.push(() => client.close());
    await expect(client.chat(HELLO)).rejects.toBeInstanceOf(ModelAPIConnectionError);
    expect(sleeps).toEqual([2000, 4000]);
  });

  it('lets the caller abort a backoff sleep, rethrowing the abort reason without more requests', async () => {
    server = await startLocalServer([RATE_LIMITED, OK]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const client = legacyClient(
      { endpoint: `${server.origin}/v1` },
      {},
      {
        random: () => 0.5,
        sleep: (_ms, signal) =>
          new Promise<void>((_resolve, reject) => {
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            controller.abort(reason);
          }),
      },
    );
    closers.push(() => client.close());
    await expect(client.chat(HELLO, { signal: controller.signal })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it('caps requests in flight at maxParallelRequests and queues the rest', async () => {
    const { client, server } = await setup(() => ({ ...OK, delayMs: 40 }), {}, { inferenceParameters: { maxParallelRequests: 2 } });
    const results = await Promise.all(Array.from({ length: 6 }, () => client.chat(HELLO)));
    expect(results).toHaveLength(6);
    expect(server.requests).toHaveLength(6);
    expect(server.maxConcurrent).toBe(2);
  });

  it('never puts the API key in an error, even when the provider echoes it', async () => {
    const key = 'sk-proj-FakeSuperSecretValue0123456789';
    const { client } = await setup(
      [
        {
          status: 401,
          body: { error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', code: 'invalid_api_key' } },
        },
      ],
      { apiKey: key },
    );
    const error = await client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelAuthenticationError);
    const rendered = [String(error), (error as Error).message, JSON.stringify(error), (error as ModelAuthenticationError).render()].join(
      '\n',
    );
    expect(rendered).not.toContain(key);
    expect(rendered).not.toContain('SuperSecretValue');
  });

  it('reports a 2xx body that is not JSON as ModelAPIError without retrying', async () => {
    const { client, server } = await setup([
      { status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'data: {"error":{"message":"boom"}}\n\n' },
      OK,
    ]);
    await expect(client.chat(HELLO)).rejects.toBeInstanceOf(ModelAPIError);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects bad input before sending anything', async () => {
    const { client, server } = await setup([OK]);
    const error = await client.chat({ model: 'm', messages: [{ role: 'tool', content: 'x' } as never] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBadRequestError);
    expect((error as Error).message).toMatch(/tool_call_id/);
    await expect(client.embed({ model: 'e', input: [] })).rejects.toBeInstanceOf(ModelBadRequestError);
    await expect(client.chat(HELLO, { timeoutMs: -1 })).rejects.toBeInstanceOf(ModelBadRequestError);
    expect(server.requests).toHaveLength(0);
  });

  it('embeds via {endpoint}/embeddings and decodes base64 vectors in index order', async () => {
    const vector = (values: number[]) => {
      const bytes = Buffer.alloc(values.length * 4);
      values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
      return bytes.toString('base64');
    };
    const { client, server } = await setup([
      {
        status: 200,
        body: {
          object: 'list',
          data: [
            { index: 1, embedding: vector([0.5]) },
            { index: 0, embedding: vector([0.25, -1]) },
          ],
          model: 'emb',
          usage: { prompt_tokens: 4, total_tokens: 4 },
        },
      },
    ]);
    const response = await client.embed({ model: 'emb', input: ['a', 'b'], encoding_format: 'base64' });
    expect(server.requests[0].path).toBe('/v1/embeddings');
    expect(server.requests[0].body).toEqual({ model: 'emb', input: ['a', 'b'], encoding_format: 'base64' });
    expect(response).toEqual({
      data: [
        { index: 0, embedding: [0.25, -1] },
        { index: 1, embedding: [0.5] },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
      model: 'emb',
    });
  });

  it('refuses calls after close() without touching the network', async () => {
    const { client, server } = await setup([OK, OK]);
    await client.chat(HELLO);
    await client.close();
    await expect(client.chat(HELLO)).rejects.toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(1);
  });
});
