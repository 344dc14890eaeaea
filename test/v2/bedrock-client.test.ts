// The Bedrock adapter against a loopback server: HTTP/1.1 through our undici request handler, bearer or SigV4.
import { afterEach, describe, expect, it } from 'vitest';
import { ModelUnsupportedCapabilityError } from '../../src/core/errors.ts';
import type { ModelClient } from '../../src/core/model-client.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { factoryArgs, recordingRuntime } from './factory-args.ts';
import { type LoopbackProvider, type ScriptedResponse, startLoopbackProvider } from './loopback-provider.ts';

const converse = {
  output: {
    message: {
      role: 'assistant',
      content: [
        { reasoningContent: { reasoningText: { text: 'thinking…', signature: 'sig' } } },
        { text: 'Hello' },
        { text: ' there' },
        { toolUse: { toolUseId: 'tooluse_1', name: 'lookup', input: { q: 'x' } } },
      ],
    },
  },
  stopReason: 'tool_use',
  usage: { inputTokens: 2, outputTokens: 5, totalTokens: 1329, cacheReadInputTokens: 1322 },
};

let server: LoopbackProvider | undefined;
let client: ModelClient | undefined;
const savedEnv = { ...process.env };

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  process.env = { ...savedEnv };
});

async function setup(
  script: Parameters<typeof startLoopbackProvider>[0],
  provider: Record<string, unknown> = {},
  model = 'us.amazon.nova-micro-v1:0',
) {
  server = await startLoopbackProvider(script);
  const runtime = recordingRuntime();
  client = await createClient(
    factoryArgs(
      { name: `br-${Math.random()}`, endpoint: server.url, providerType: 'bedrock', region: 'us-east-1', ...provider },
      { alias: 'nova', model, inferenceParameters: { maxParallelRequests: 3 } },
      { runtime },
    ),
  );
  return { server, client, runtime };
}

const tools = [
  { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
];

describe('v2 bedrock adapter', () => {
  it('sends Converse to the URL-encoded model path with a bearer API key', async () => {
    const { server, client } = await setup([{ status: 200, body: converse }], { apiKey: 'bedrock-api-key-abcdef' });
    const response = await client.chat({
      model: 'us.amazon.nova-micro-v1:0',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 100,
      tools,
      tool_choice: 'required',
      extra_body: { top_k: 5 },
    });
    const [sent] = server.requests;
    expect(sent.path).toBe('/model/us.amazon.nova-micro-v1%3A0/converse');
    expect(sent.headers.authorization).toBe('Bearer bedrock-api-key-abcdef');
    expect(sent.body).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      inferenceConfig: { maxTokens: 100 },
      toolConfig: {
        tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: tools[0].function.parameters } } }],
        toolChoice: { any: {} },
      },
      additionalModelRequestFields: { top_k: 5 },
    });
    expect(response).toEqual({
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello there',
            reasoning_content: 'thinking…',
            tool_calls: [{ id: 'tooluse_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
            thinking_blocks: [{ type: 'thinking', thinking: 'thinking…', signature: 'sig' }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1324, completion_tokens: 5, total_tokens: 1329, cached_prompt_tokens: 1322 },
    });
  });

  it('signs with SigV4 from the default credential chain when there is no key', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE00000000';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const { server, client } = await setup([{ status: 200, body: converse }]);
    await client.chat({ model: 'us.amazon.nova-micro-v1:0', messages: [{ role: 'user', content: 'Hi' }] });
    expect(server.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE00000000\//);
  });

  it('makes one attempt per our policy: a ThrottlingException then success is two requests', async () => {
    const { server, client, runtime } = await setup(
      [
        {
          status: 429,
          headers: { 'x-amzn-ErrorType': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
          body: { message: 'Too many requests, please wait before trying again.' },
        },
        { status: 200, body: converse },
      ],
      { apiKey: 'bedrock-api-key-abcdef' },
    );
    await client.chat({ model: 'us.amazon.nova-micro-v1:0', messages: [{ role: 'user', content: 'Hi' }] });
    expect(server.requests).toHaveLength(2);
    expect(runtime.sleeps).toEqual([2000]);
  });

  it('ignores AWS_MAX_ATTEMPTS / AWS_RETRY_MODE: attempts are ours alone', async () => {
    process.env.AWS_MAX_ATTEMPTS = '6';
    process.env.AWS_RETRY_MODE = 'adaptive';
    const unavailable: ScriptedResponse = {
      status: 503,
      headers: { 'x-amzn-ErrorType': 'ServiceUnavailableException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      body: { message: 'Bedrock is unable to process your request.' },
    };
    const { server, client } = await setup([unavailable, unavailable, unavailable, unavailable, unavailable, unavailable], {
      apiKey: 'bedrock-api-key-abcdef',
    });
    const failure = (await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelInternalServerError');
    expect(server.requests).toHaveLength(3);
  });

  it('maps a 403 UnrecognizedClientException to authentication and never retries it', async () => {
    const { server, client } = await setup(
      [
        {
          status: 403,
          headers: { 'x-amzn-ErrorType': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
          body: { message: 'The security token included in the request is invalid.' },
        },
      ],
      { apiKey: 'bedrock-api-key-abcdef' },
    );
    const failure = (await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelAuthenticationError');
    expect(failure.message).toContain('security token included in the request is invalid');
    expect(server.requests).toHaveLength(1);
  });

  it('classifies a plain-text 503 from a proxy by status and keeps its text', async () => {
    const { server, client } = await setup(
      [
        { status: 503, headers: { 'content-type': 'text/plain' }, body: 'upstream connect error' },
        { status: 503, headers: { 'content-type': 'text/plain' }, body: 'upstream connect error' },
        { status: 503, headers: { 'content-type': 'text/plain' }, body: 'upstream connect error' },
      ],
      { apiKey: 'bedrock-api-key-abcdef' },
    );
    const failure = (await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelInternalServerError');
    expect(failure.message).toContain('upstream connect error');
    expect(server.requests).toHaveLength(3);
  });

  it('turns a 2xx with a non-JSON body into a ModelAPIError', async () => {
    const { server, client } = await setup([{ status: 200, body: 'not json' }], { apiKey: 'bedrock-api-key-abcdef' });
    const failure = (await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelAPIError');
    expect(server.requests).toHaveLength(1);
  });

  it('embeds with Titan one request per text, vectors in input order whatever the arrival order, summing token counts', async () => {
    const sized = (first: number, second: number) => [first, second, ...Array.from({ length: 254 }, () => 0)];
    const { server, client } = await setup(
      // Answered by content: the two requests are concurrent, so their arrival order is not fixed.
      // 256 numbers each: the size asked for (another length is a ModelAPIError, engine-rules).
      (request) =>
        (request.body as { inputText: string }).inputText === 'a'
          ? { status: 200, body: { embedding: sized(0.1, 0.2), inputTextTokenCount: 3 } }
          : { status: 200, body: { embedding: sized(0.3, 0.4), inputTextTokenCount: 4 } },
      { apiKey: 'bedrock-api-key-abcdef' },
      'amazon.titan-embed-text-v2:0',
    );
    const response = await client.embed({ model: 'amazon.titan-embed-text-v2:0', input: ['a', 'b'], dimensions: 256 });
    const sent = server.requests.map((r) => [r.path, r.body]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sent).toEqual([
      ['/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: 'a', dimensions: 256 }],
      ['/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: 'b', dimensions: 256 }],
    ]);
    expect(response).toEqual({
      data: [
        { index: 0, embedding: sized(0.1, 0.2) },
        { index: 1, embedding: sized(0.3, 0.4) },
      ],
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it('embeds with Cohere in one batch, usage from the token-count header, v4 by-type shape', async () => {
    const { server, client } = await setup(
      [
        {
          status: 200,
          headers: { 'x-amzn-bedrock-input-token-count': '9' },
          body: { id: 'x', embeddings: { float: [[1], [2]] }, response_type: 'embeddings_by_type' },
        },
      ],
      { apiKey: 'bedrock-api-key-abcdef' },
      'cohere.embed-v4:0',
    );
    const response = await client.embed({ model: 'cohere.embed-v4:0', input: ['a', 'b'] });
    expect(server.requests[0].body).toEqual({ texts: ['a', 'b'], input_type: 'search_document' });
    expect(response).toEqual({
      data: [
        { index: 0, embedding: [1] },
        { index: 1, embedding: [2] },
      ],
      usage: { prompt_tokens: 9, total_tokens: 9 },
    });
  });

  it('refuses other embedding families and http image URLs before any request', async () => {
    const { server, client } = await setup([], { apiKey: 'bedrock-api-key-abcdef' }, 'mistral.embed');
    await expect(client.embed({ model: 'mistral.embed', input: ['a'] })).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    await expect(
      client.chat({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
    ).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(server.requests).toHaveLength(0);
  });

  it('enforces the attempt deadline (slow headers, then a stalled body)', async () => {
    const { server, client } = await setup(
      [
        { status: 200, body: converse, delayMs: 1000 },
        { status: 200, body: converse, stallBodyMs: 1000 },
        { status: 200, body: converse },
      ],
      { apiKey: 'bedrock-api-key-abcdef' },
    );
    const response = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], timeout_ms: 150 });
    expect(response.choices[0].message.content).toBe('Hello there');
    expect(server.requests).toHaveLength(3);
  });

  it('rethrows the caller abort reason', async () => {
    const { client } = await setup([{ status: 200, body: converse, delayMs: 1000 }], { apiKey: 'bedrock-api-key-abcdef' });
    const controller = new AbortController();
    const reason = new Error('stop now');
    setTimeout(() => controller.abort(reason), 50);
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('reports a refused connection as ModelAPIConnectionError after 1 + 2 attempts', async () => {
    const { server, client, runtime } = await setup([], { apiKey: 'bedrock-api-key-abcdef' });
    await server.close();
    const failure = (await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe('ModelAPIConnectionError');
    expect(runtime.sleeps).toHaveLength(2);
  });

  it('passes the request extra headers through middleware, and only those', async () => {
    const { server, client } = await setup([{ status: 200, body: converse }], {
      apiKey: 'bedrock-api-key-abcdef',
      extraHeaders: { 'x-team': 'dd' },
    });
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], extra_headers: { 'x-call': '1' } });
    expect(server.requests[0].headers['x-team']).toBeUndefined();
    expect(server.requests[0].headers['x-call']).toBe('1');
  });

  it("keeps each call's extra headers to its own requests when calls overlap, retries included", async () => {
    const throttled = { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '0' } };
    const { server, client } = await setup(
      [
        throttled,
        { status: 200, body: converse, delayMs: 40 },
        { status: 200, body: converse, delayMs: 40 },
        { status: 200, body: converse },
      ],
      { apiKey: 'bedrock-api-key-abcdef' },
    );
    await Promise.all(
      ['a', 'b', 'c'].map((tag) =>
        client!.chat({ model: 'm', messages: [{ role: 'user', content: tag }], extra_headers: { 'x-call': tag } }),
      ),
    );
    expect(server.requests).toHaveLength(4);
    for (const sent of server.requests) {
      const text = (sent.body as { messages: { content: { text: string }[] }[] }).messages[0].content[0].text;
      expect(sent.headers['x-call']).toBe(text);
    }
  });

  it('refuses content parts it cannot carry instead of dropping them', async () => {
    const { server, client } = await setup([], { apiKey: 'bedrock-api-key-abcdef' });
    const audio = { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } };
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: [audio] }] } as never)).rejects.toBeInstanceOf(
      ModelUnsupportedCapabilityError,
    );
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } };
    await expect(
      client.chat({
        model: 'm',
        messages: [
          { role: 'system', content: [image] },
          { role: 'user', content: 'x' },
        ],
      } as never),
    ).rejects.toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(server.requests).toHaveLength(0);
  });
});
