import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ModelAuthenticationError,
  ModelNotFoundError,
  ModelRateLimitError,
  ModelUnsupportedCapabilityError,
} from '../../src/core/errors.ts';
import type { ChatRequest } from '../../src/core/types.ts';
import { legacyClient, recordingRuntime } from './support/clients.ts';
import { CORPUS } from './support/wire-corpus.ts';
import { startLocalServer, type LocalServer, type Reply } from './support/local-server.ts';

const HELLO: ChatRequest = { model: '', messages: [{ role: 'user', content: 'Hello' }] };

let server: LocalServer | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server?.close();
  server = undefined;
});

async function setup(
  replies: Parameters<typeof startLocalServer>[0],
  provider: Record<string, unknown>,
  model: Record<string, unknown> = {},
  env: Record<string, string> = {},
) {
  server = await startLocalServer(replies);
  const recorder = recordingRuntime();
  const client = legacyClient({ endpoint: server.origin, ...provider }, model, recorder.runtime, env);
  closers.push(() => client.close());
  return { client, sleeps: recorder.sleeps, server };
}

const anthropicOk: Reply = { status: 200, body: CORPUS['anthropic/adaptive_thinking_text_before_thinking'].response.body };
const converseOk: Reply = { status: 200, body: CORPUS['bedrock/converse_kimi_reasoning_and_odd_tool_id'].response.body };

describe('legacy Anthropic client over HTTP', () => {
  it('posts to /v1/messages once even when the endpoint ends in /v1, with x-api-key and anthropic-version', async () => {
    server = await startLocalServer([anthropicOk]);
    const client = legacyClient(
      { endpoint: `${server.origin}/v1`, providerType: 'anthropic', apiKey: 'sk-ant-local-test-123456' },
      { model: 'claude-opus-4-6' },
    );
    closers.push(() => client.close());
    const response = await client.chat({ ...HELLO, messages: [{ role: 'system', content: 'Be brief.' }, ...HELLO.messages] });
    const [request] = server.requests;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('sk-ant-local-test-123456');
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers).not.toHaveProperty('authorization');
    expect(request.body).toEqual({
      model: 'claude-opus-4-6',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(response.choices[0].message.content).toBe('\n\n2 + 2 = **4**');
    expect(response.choices[0].message.reasoning_content).toBe('4');
  });

  it('recovers from a 529 overload with one retry', async () => {
    const overloaded: Reply = {
      status: 529,
      body: { type: 'error', error: { details: null, type: 'overloaded_error', message: 'Overloaded' } },
    };
    const { client, sleeps, server } = await setup([overloaded, anthropicOk], { providerType: 'anthropic' });
    await client.chat(HELLO);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages']);
    expect(sleeps).toEqual([2000]);
  });

  it('refuses embeddings without a request', async () => {
    const { client, server } = await setup([anthropicOk], { providerType: 'anthropic' });
    await expect(client.embed({ model: 'x', input: ['a'] })).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('legacy Bedrock client over HTTP', () => {
  it('uses Bearer auth with a Bedrock API key and URL-encodes the model id', async () => {
    const { client, server } = await setup(
      [converseOk],
      { providerType: 'bedrock', apiKey: 'bedrock-api-key-local-123456' },
      { model: 'us.amazon.nova-micro-v1:0' },
    );
    const response = await client.chat(HELLO);
    const [request] = server.requests;
    expect(request.path).toBe('/model/us.amazon.nova-micro-v1%3A0/converse');
    expect(request.headers.authorization).toBe('Bearer bedrock-api-key-local-123456');
    expect(request.body).toEqual({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }] });
    expect(response.choices[0].message.tool_calls?.[0].id).toBe('functions.get_temperature:0');
  });

  it('signs with SigV4 from the default credential chain when no key is set', async () => {
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALTEST0000001';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-secret-access-key-never-printed';
    process.env.AWS_SESSION_TOKEN = 'local-session-token-never-printed';
    try {
      const denied: Reply = {
        status: 403,
        headers: { 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
        body: { message: 'The security token included in the request is invalid.' },
      };
      const { client, server } = await setup(
        [converseOk, denied],
        { providerType: 'bedrock', region: 'eu-west-3' },
        { model: 'anthropic.claude-3-5-sonnet-20241022-v2:0' },
      );
      await client.chat(HELLO);
      const [request] = server.requests;
      expect(request.path).toBe('/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse');
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST0000001\/\d{8}\/eu-west-3\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
      );
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(request.headers['x-amz-security-token']).toBe('local-session-token-never-printed');

      // Re-sign what actually arrived: the signature must cover the bytes and headers as sent.
      const amzDate = request.headers['x-amz-date'];
      const signingDate = new Date(
        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
      );
      const signedNames = /SignedHeaders=([^,]+)/.exec(request.headers.authorization)![1].split(';');
      const verifier = new SignatureV4({
        service: 'bedrock',
        region: 'eu-west-3',
        sha256: Sha256,
        credentials: {
          accessKeyId: 'AKIDLOCALTEST0000001',
          secretAccessKey: 'local-secret-access-key-never-printed',
          sessionToken: 'local-session-token-never-printed',
        },
      });
      const url = new URL(request.path, server.origin);
      const resigned = await verifier.sign(
        {
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: Object.fromEntries(signedNames.map((name) => [name, request.headers[name]])),
          body: request.bodyText,
        },
        { signingDate },
      );
      expect(resigned.headers.authorization).toBe(request.headers.authorization);

      // A rejected signature is an authentication error whose text carries no credential.
      const error = await client.chat(HELLO).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelAuthenticationError);
      const rendered = `${String(error)}\n${JSON.stringify(error)}`;
      expect(rendered).not.toContain('local-secret-access-key');
      expect(rendered).not.toContain('local-session-token');
      expect(rendered).not.toContain(server.requests[1].headers.authorization.split('Signature=')[1]);
    } finally {
      process.env = saved;
    }
  });

  it('fails clearly, before any request, when SigV4 is needed and no region is known', async () => {
    const { client, server } = await setup([converseOk], { providerType: 'bedrock' });
    const error = await client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/region/);
    expect(server.requests).toHaveLength(0);
  });

  it('retries a ThrottlingException and maps ResourceNotFoundException', async () => {
    const throttled: Reply = {
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      body: { message: 'Too many requests, please wait before trying again.' },
    };
    const notFound: Reply = {
      status: 404,
      headers: { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      body: { message: 'Access denied. This Model is marked by provider as Legacy.' },
    };
    const { client, sleeps, server } = await setup([throttled, converseOk, notFound], {
      providerType: 'bedrock',
      apiKey: 'bedrock-api-key-local-123456',
    });
    await client.chat(HELLO);
    expect(sleeps).toEqual([2000]);
    const error = await client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(server.requests).toHaveLength(3);
  });

  it('embeds with Titan one text per request, vectors in input order whatever the arrival order, summing token counts', async () => {
    // 256 numbers each: the size asked for (a vector of another length is a ModelAPIError, engine-rules).
    const vector = (value: number) => Array.from({ length: 256 }, () => value);
    const titan = (value: number, tokens: number): Reply => ({
      status: 200,
      body: { embedding: vector(value), inputTextTokenCount: tokens },
    });
    // Answered by content: the two requests are concurrent, so their arrival order is not fixed.
    const { client, server } = await setup(
      (req) => ((req.body as { inputText: string }).inputText === 'first' ? titan(1, 2) : titan(2, 3)),
      { providerType: 'bedrock', apiKey: 'bedrock-api-key-local-123456' },
      { model: 'amazon.titan-embed-text-v2:0' },
    );
    const response = await client.embed({ model: '', input: ['first', 'second'], dimensions: 256 });
    const sent = server.requests.map((r) => [r.path, r.body]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sent).toEqual([
      ['/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: 'first', dimensions: 256 }],
      ['/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: 'second', dimensions: 256 }],
    ]);
    expect(response).toEqual({
      data: [
        { index: 0, embedding: vector(1) },
        { index: 1, embedding: vector(2) },
      ],
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });

  it('embeds with Cohere in one batch and reads usage from the token-count header', async () => {
    const recorded = CORPUS['bedrock/invoke_cohere_embed_v3'].response;
    const { client, server } = await setup(
      [{ status: 200, headers: recorded.headers, body: recorded.body }],
      { providerType: 'bedrock', apiKey: 'bedrock-api-key-local-123456' },
      { model: 'cohere.embed-english-v3' },
    );
    const response = await client.embed({ model: '', input: ['Hello, world!'] });
    expect(server.requests[0].body).toEqual({ texts: ['Hello, world!'], input_type: 'search_document' });
    expect(response.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(response.data[0].embedding).toHaveLength(5);
  });

  it('splits more than 96 Cohere texts into concurrent batches, assembled in input order, and sums the header usage', async () => {
    const batch = (n: number, tokens: number): Reply => ({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': String(tokens) },
      body: { embeddings: Array.from({ length: n }, (_, i) => [i]), id: 'x', response_type: 'embeddings_floats', texts: [] },
    });
    // Answered by content (the batch's size): the three requests arrive in no fixed order.
    const { client, server } = await setup(
      (req) => {
        const texts = (req.body as { texts: string[] }).texts;
        return texts.length === 8 ? batch(8, 9) : batch(96, 100);
      },
      { providerType: 'bedrock', apiKey: 'bedrock-api-key-local-123456' },
      { model: 'cohere.embed-english-v3' },
    );
    const input = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const response = await client.embed({ model: '', input });
    const firstTexts = server.requests.map((r) => (r.body as { texts: string[] }).texts[0]).sort();
    expect(firstTexts).toEqual(['text 0', 'text 192', 'text 96']);
    expect(server.requests.map((r) => (r.body as { texts: string[] }).texts.length).sort()).toEqual([8, 96, 96]);
    expect(response.data).toHaveLength(200);
    expect(response.data[199]).toEqual({ index: 199, embedding: [7] });
    expect(response.usage).toEqual({ prompt_tokens: 209, total_tokens: 209 });
  });

  it('rejects unsupported embedding families and http images before any request', async () => {
    const { client, server } = await setup(
      [converseOk],
      { providerType: 'bedrock', apiKey: 'bedrock-api-key-local-123456' },
      { model: 'amazon.nova-pro-v1:0' },
    );
    await expect(client.embed({ model: '', input: ['a'] })).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    await expect(
      client.chat({
        model: '',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }],
      }),
    ).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(server.requests).toHaveLength(0);
  });

  it('reports the last rate-limit hint after exhausting retries', async () => {
    const throttled: Reply = {
      status: 429,
      headers: { 'retry-after': '0.1', 'x-amzn-errortype': 'ThrottlingException:x' },
      body: { message: 'Too many tokens' },
    };
    const { client, sleeps } = await setup([throttled, throttled, throttled, throttled], {
      providerType: 'bedrock',
      apiKey: 'bedrock-api-key-local-123456',
    });
    const error = await client.chat(HELLO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect((error as ModelRateLimitError).retryAfterMs).toBe(100);
    expect(sleeps).toEqual([100, 100, 100]);
  });
});
