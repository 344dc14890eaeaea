// The Bedrock client's request handler on undici (src/models-v2/transport/undici-http-handler.ts)
// against smithy's NodeHttpHandler, which it replaced: the same SDK client config and command
// through each handler to a real loopback server must put the same request on the wire and hand
// the SDK the same response. Wire shapes: ../shared/wire-corpus/bedrock (sources named below).
import { type IncomingHttpHeaders, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { UndiciHttpHandler } from '../../src/models-v2/transport/undici-http-handler.ts';
import { ResponseTooLargeError } from '../../src/models-v2/transport/response-too-large-error.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { factoryArgs } from './factory-args.ts';
import { WIRE_CORPUS_DIR } from '../shared-reference.ts';

interface Exchange {
  request: { method: string; path: string; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

function corpus(name: string): { source: string; exchange: Exchange } {
  const file = JSON.parse(readFileSync(join(WIRE_CORPUS_DIR, 'bedrock', `${name}.json`), 'utf8'));
  return { source: file.source, exchange: file.exchanges[0] };
}

// source: pydantic/pydantic-ai, tests/models/cassettes/test_bedrock/test_bedrock_model_max_tokens.yaml
const maxTokens = corpus('converse_max_tokens_stop');
// source: https://github.com/aws-samples/assessment-generator/issues/2
const inputTooLong = corpus('400_validation_input_too_long');

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Answer {
  status: number;
  /** Raw header lines, repeated names allowed. */
  headers: [string, string][];
  body: string;
}

let server: Server | undefined;
const handlers: { destroy(): void }[] = [];

afterEach(async () => {
  for (const handler of handlers.splice(0)) handler.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(answer: (seen: Seen) => Answer): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    seen.push(request);
    const reply = answer(request);
    res.writeHead(
      reply.status,
      reply.headers.flatMap(([name, value]) => [name, value]),
    );
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function bedrock(endpoint: string, requestHandler: unknown): BedrockRuntimeClient {
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    token: { token: 'br-test-token-1234' },
    authSchemePreference: ['httpBearerAuth'],
    requestHandler: requestHandler as never,
  });
  handlers.push(client);
  return client;
}

async function undiciHandler(maxResponseBytes = 1 << 20): Promise<{ handler: UndiciHttpHandler; errorBodies: WeakMap<object, string> }> {
  const errorBodies = new WeakMap<object, string>();
  const handler = await UndiciHttpHandler.create(8, { maxResponseBytes, errorBodies });
  handlers.push(handler);
  return { handler, errorBodies };
}

/** Header lines as the server read them, lower-cased and sorted; the per-request random id is masked. */
function headerLines(request: Seen): string[] {
  const lines: string[] = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index].toLowerCase();
    lines.push(`${name}: ${name === 'amz-sdk-invocation-id' ? '<uuid>' : request.rawHeaders[index + 1]}`);
  }
  return lines.sort();
}

/** One chat call through the v2 Bedrock client (bearer key), closed afterwards. */
async function v2Converse(endpoint: string, text: string): Promise<void> {
  const client = await createClient(
    factoryArgs(
      { name: 'br', endpoint, providerType: 'bedrock', region: 'us-east-1', apiKey: 'br-key-123456' },
      { alias: 'a', model: 'us.amazon.nova-micro-v1:0' },
    ),
  );
  try {
    await client.chat({ model: 'us.amazon.nova-micro-v1:0', messages: [{ role: 'user', content: text }] });
  } finally {
    await client.close();
  }
}

const jsonAnswer = (exchange: Exchange, extra: [string, string][] = []): Answer => ({
  status: exchange.response.status,
  headers: [...Object.entries(exchange.response.headers), ...extra],
  body: JSON.stringify(exchange.response.body),
});

describe('Bedrock request handler on undici, against the NodeHttpHandler it replaced', () => {
  it('puts the same Converse and InvokeModel requests on the wire: method, path, header lines, body bytes', async () => {
    const { url, seen } = await serve(() => jsonAnswer(maxTokens.exchange));
    const { handler } = await undiciHandler();
    const commands = () => [
      new ConverseCommand(maxTokens.exchange.request.body as ConstructorParameters<typeof ConverseCommand>[0] & { modelId?: string }),
      new InvokeModelCommand({
        modelId: 'cohere.embed-english-v3',
        contentType: 'application/json',
        accept: 'application/json',
        body: new TextEncoder().encode(JSON.stringify({ texts: ['lighthouse'], input_type: 'search_document' })),
      }),
    ];
    for (const command of commands()) (command.input as { modelId: string }).modelId ??= 'us.amazon.nova-micro-v1:0';
    for (const requestHandler of [new NodeHttpHandler(), handler]) {
      const client = bedrock(url, requestHandler);
      for (const command of commands()) {
        (command.input as { modelId?: string }).modelId ??= 'us.amazon.nova-micro-v1:0';
        await client.send(command as ConverseCommand);
      }
    }
    expect(seen).toHaveLength(4);
    const [nodeConverse, nodeInvoke, undiciConverse, undiciInvoke] = seen;
    expect(undiciConverse.url).toBe('/model/us.amazon.nova-micro-v1%3A0/converse');
    for (const [before, after] of [
      [nodeConverse, undiciConverse],
      [nodeInvoke, undiciInvoke],
    ]) {
      expect(after.method).toBe(before.method);
      expect(after.url).toBe(before.url);
      expect(headerLines(after)).toEqual(headerLines(before));
      expect(after.body.equals(before.body)).toBe(true);
    }
    expect(headerLines(undiciConverse)).toContain('authorization: Bearer br-test-token-1234');
    expect(headerLines(undiciConverse)).toContain('connection: keep-alive');
  });

  it('hands the SDK the same output and raw response headers, repeated headers joined as node:http joined them', async () => {
    const repeated: [string, string][] = [
      ['x-amzn-requestid', 'first'],
      ['x-amzn-requestid', 'second'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['retry-after', '1'],
      ['retry-after', '7'],
    ];
    const { url } = await serve(() => jsonAnswer(maxTokens.exchange, repeated));
    const { handler } = await undiciHandler();
    const results = [];
    for (const requestHandler of [new NodeHttpHandler(), handler]) {
      const client = bedrock(url, requestHandler);
      let headers: Record<string, string> = {};
      client.middlewareStack.add(
        (next) => async (args) => {
          const result = await next(args);
          headers = { ...(result.response as { headers: Record<string, string> }).headers };
          return result;
        },
        { step: 'deserialize', name: 'testResponseHeaders' },
      );
      const output = await client.send(new ConverseCommand({ modelId: 'us.amazon.nova-micro-v1:0', messages: [] }));
      delete headers.date;
      results.push({ output: { ...output, $metadata: { httpStatusCode: output.$metadata.httpStatusCode } }, headers });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[1].headers['x-amzn-requestid']).toBe('first, second');
    expect(results[1].headers['retry-after']).toBe('1');
    expect(results[1].headers['set-cookie']).toBe('a=1,b=2');
  });

  it('an error status reaches the SDK as the same exception, and its body text is kept for classification', async () => {
    const { url } = await serve(() => jsonAnswer(inputTooLong.exchange));
    const { handler, errorBodies } = await undiciHandler();
    const failures: { name: string; message: string; status?: number }[] = [];
    let kept: string | undefined;
    for (const requestHandler of [new NodeHttpHandler(), handler]) {
      const error = await bedrock(url, requestHandler)
        .send(new ConverseCommand({ modelId: 'anthropic.claude-3-sonnet-20240229-v1:0', messages: [] }))
        .then(
          () => undefined,
          (failure: Error & { $metadata?: { httpStatusCode?: number }; $response?: object }) => failure,
        );
      if (!error) throw new Error('expected the 400 to fail the call');
      failures.push({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode });
      if (requestHandler === handler && error.$response) kept = errorBodies.get(error.$response);
    }
    expect(failures[1]).toEqual(failures[0]);
    expect(failures[1]).toEqual({ name: 'ValidationException', message: 'Input is too long for requested model.', status: 400 });
    expect(kept).toBe(JSON.stringify(inputTooLong.exchange.response.body));
  });

  it('bounds: a success body past maxResponseBytes fails, an error body keeps its first 64 KiB', async () => {
    const big = 'x'.repeat(100 * 1024);
    let status = 200;
    const { url } = await serve(() => ({ status, headers: [['content-type', 'application/json']], body: JSON.stringify({ big }) }));
    const { handler, errorBodies } = await undiciHandler(1024);
    const request = { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: Number(new URL(url).port), path: '/', headers: {} };
    await expect(handler.handle(request)).rejects.toBeInstanceOf(ResponseTooLargeError);
    status = 500;
    const { response } = await handler.handle(request);
    expect(response.body.byteLength).toBe(64 * 1024);
    expect(errorBodies.get(response)).toBe(JSON.stringify({ big }).slice(0, 64 * 1024));
  });

  it('abort: the AbortError NodeHttpHandler raised, with the signal reason as its cause, before and during the request', async () => {
    const { url } = await serve(() => ({ status: 200, headers: [], body: '{}' }));
    const { handler } = await undiciHandler();
    const request = { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: Number(new URL(url).port), path: '/', headers: {} };
    const reason = new Error('caller gave up');
    const early = await handler.handle(request, { abortSignal: AbortSignal.abort(reason) }).catch((error: Error) => error);
    expect(early).toMatchObject({ name: 'AbortError', message: 'Request aborted', cause: reason });
    const controller = new AbortController();
    const pending = handler.handle({ ...request, path: '/slow' }, { abortSignal: controller.signal }).catch((error: Error) => error);
    controller.abort(reason);
    expect(await pending).toMatchObject({ name: 'AbortError', message: 'Request aborted', cause: reason });
  });

  it("the v2 client's Converse request is the bare SDK's on NodeHttpHandler, header line for header line", async () => {
    const { url, seen } = await serve(() => jsonAnswer(maxTokens.exchange));
    await v2Converse(url, 'What is the capital of France?');
    // The client as v2 configures it (createSdk), on the handler and retry middleware the SDK ships.
    const bare = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: url,
      maxAttempts: 1,
      retryMode: 'standard',
      token: { token: 'br-key-123456' },
      authSchemePreference: ['httpBearerAuth'],
      requestHandler: new NodeHttpHandler(),
    });
    handlers.push(bare);
    await bare.send(new ConverseCommand({ modelId: 'us.amazon.nova-micro-v1:0', ...JSON.parse(seen[0].body.toString('utf8')) }));
    const [v2, sdk] = seen;
    expect(v2.url).toBe(sdk.url);
    expect(v2.body.equals(sdk.body)).toBe(true);
    expect(headerLines(v2)).toEqual(headerLines(sdk));
    expect(headerLines(v2)).toContain('amz-sdk-request: attempt=1; max=1');
    expect(v2.headers['amz-sdk-invocation-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the v2 Bedrock client sends through undici, not node:http', async () => {
    const { url } = await serve(() => jsonAnswer(maxTokens.exchange));
    const viaUndici: string[] = [];
    const viaNodeHttp: string[] = [];
    const onUndici = (message: unknown) => viaUndici.push((message as { request: { path: string } }).request.path);
    const onNodeHttp = (message: unknown) => viaNodeHttp.push((message as { request: { path: string } }).request.path);
    subscribe('undici:request:create', onUndici);
    subscribe('http.client.request.start', onNodeHttp);
    try {
      await v2Converse(url, 'x');
    } finally {
      unsubscribe('undici:request:create', onUndici);
      unsubscribe('http.client.request.start', onNodeHttp);
    }
    expect(viaUndici).toEqual(['/model/us.amazon.nova-micro-v1%3A0/converse']);
    expect(viaNodeHttp).toEqual([]);
  });
});
