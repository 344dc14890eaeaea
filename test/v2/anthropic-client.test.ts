// The Anthropic adapter against a loopback server.
import { afterEach, describe, expect, it } from 'vitest';
import { ModelAPIError, ModelUnsupportedCapabilityError } from '../../src/core/errors.ts';
import type { ModelClient } from '../../src/core/model-client.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { anthropicBaseUrl } from '../../src/models-v2/anthropic/client.ts';
import { factoryArgs, recordingRuntime } from './factory-args.ts';
import { type LoopbackProvider, type ScriptedResponse, startLoopbackProvider } from './loopback-provider.ts';

const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 4, cache_creation_input_tokens: 1 },
};

let server: LoopbackProvider | undefined;
let client: ModelClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(script: ScriptedResponse[], provider: Record<string, unknown> = {}, endpointSuffix = '') {
  server = await startLoopbackProvider(script);
  const runtime = recordingRuntime();
  client = await createClient(
    factoryArgs(
      { name: `an-${Math.random()}`, endpoint: `${server.url}${endpointSuffix}`, providerType: 'anthropic', ...provider },
      { alias: 'claude', model: 'claude-sonnet-4-5' },
      { runtime },
    ),
  );
  return { server, client, runtime };
}

describe('v2 anthropic adapter', () => {
  it('strips a trailing /v1 so the path is never doubled', () => {
    expect(anthropicBaseUrl('https://api.anthropic.com/v1')).toBe('https://api.anthropic.com');
    expect(anthropicBaseUrl('https://api.anthropic.com')).toBe('https://api.anthropic.com');
    expect(anthropicBaseUrl('http://127.0.0.1:9/proxy/v1/')).toBe('http://127.0.0.1:9/proxy');
  });

  it('posts to /v1/messages with x-api-key, no Authorization, and the translated body', async () => {
    const { server, client } = await setup([{ status: 200, body: message }], { apiKey: 'sk-ant-test-key-123456' }, '/v1');
    const response = await client.chat({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stop: 'END',
      seed: 3,
      extra_body: { thinking: { type: 'enabled', budget_tokens: 1024 } },
      timeout_ms: 30_000,
    });
    const [sent] = server.requests;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test-key-123456');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['anthropic-version']).toBeTruthy();
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      stop_sequences: ['END'],
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    expect(response).toEqual({
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', reasoning_content: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 15, completion_tokens: 3, total_tokens: 18, cached_prompt_tokens: 4 },
    });
  });

  it('sends no credential header at all without a key', async () => {
    const { server, client } = await setup([{ status: 200, body: message }]);
    await client.chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] });
    expect(server.requests[0].headers['x-api-key']).toBeUndefined();
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('retries 529 overloaded twice, then raises ModelInternalServerError', async () => {
    const overloaded: ScriptedResponse = {
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    };
    const { server, client, runtime } = await setup([overloaded, overloaded, overloaded]);
    const failure = (await client
      .chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelInternalServerError');
    expect(server.requests).toHaveLength(3);
    expect(runtime.sleeps).toEqual([2000, 4000]);
  });

  it('treats a 400 credit-balance error as quota, not a bad request', async () => {
    const { server, client } = await setup([
      {
        status: 400,
        body: {
          type: 'error',
          error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' },
        },
      },
    ]);
    const failure = (await client
      .chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelQuotaExceededError');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a stalled body and gives up after 1 + 3 attempts', async () => {
    const stalled: ScriptedResponse = { status: 200, body: message, stallBodyMs: 1000 };
    const { server, client } = await setup([stalled, stalled, stalled, stalled]);
    const failure = (await client
      .chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }, { timeoutMs: 100 })
      .catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelTimeoutError');
    expect(server.requests).toHaveLength(4);
  });

  it('refuses content parts it cannot carry instead of dropping them', async () => {
    const { server, client } = await setup([]);
    const failure = (await client
      .chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] } as never)
      .catch((e: unknown) => e)) as Error;
    expect(failure).toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(failure.message).toMatch(/'input_audio' part in a user message/);
    expect(server.requests).toHaveLength(0);
  });

  it('never follows a redirect, so the x-api-key cannot travel to another host', async () => {
    const elsewhere = await startLoopbackProvider([{ status: 200, body: message }]);
    try {
      // Another port is another origin: fetch would re-send a 307 there with x-api-key attached.
      const { server, client } = await setup(
        [{ status: 307, headers: { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}/v1/messages` }, body: '' }],
        {
          apiKey: 'sk-ant-redirect-test-key-123456',
        },
      );
      const failure = await client
        .chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ModelAPIError);
      expect((failure as ModelAPIError).status).toBe(307);
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses embeddings', async () => {
    const { server, client } = await setup([]);
    await expect(client.embed({ model: 'x', input: ['a'] })).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    // Unsupported wins over input validation.
    await expect(client.embed({ model: 'x', input: [] })).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(server.requests).toHaveLength(0);
  });
});
