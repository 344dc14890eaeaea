// The OpenAI and Anthropic SDKs' transport (undici's request API, src/models-v2/transport/fetch.ts)
// against a real loopback node:http server: what the provider sees and what the caller gets must
// be what the previous transport (Node's global fetch on an undici Agent) gave. Request headers
// and decoded bodies are compared against Node's own fetch in the same run; the error outcomes
// are the ones main's fetch path produced, recorded before the swap and asserted here.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelClient } from '../../src/core/model-client.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { createUndiciFetch } from '../../src/models-v2/transport/fetch.ts';
import { factoryArgs, recordingRuntime } from './factory-args.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => unknown;

interface RawServer {
  url: string;
  port: number;
  rawHeaders: string[][];
  bodies: string[];
  connections(): Promise<number>;
  close(): Promise<void>;
}

const servers: RawServer[] = [];
const clients: ModelClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(handler: Handler, host = '127.0.0.1'): Promise<RawServer> {
  const rawHeaders: string[][] = [];
  const bodies: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    rawHeaders.push(req.rawHeaders);
    bodies.push(body);
    await handler(req, res, body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const started: RawServer = {
    url: `http://${host}:${port}`,
    port,
    rawHeaders,
    bodies,
    connections: () => new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n)))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(started);
  return started;
}

// Wire shapes: OpenAI chat completion and Anthropic message, as in ../shared/wire-corpus.
const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'decoded ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
};
const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'm',
  content: [{ type: 'text', text: 'decoded ok' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 2 },
};

type Provider = 'openai' | 'anthropic';
const PROVIDERS: Provider[] = ['openai', 'anthropic'];
const success = (provider: Provider): string => JSON.stringify(provider === 'openai' ? completion : message);

async function client(provider: Provider, server: RawServer, extra: Record<string, unknown> = {}): Promise<ModelClient> {
  const made = await createClient(
    factoryArgs(
      {
        name: `undici-${provider}-${server.port}-${Math.random().toString(36).slice(2)}`,
        endpoint: provider === 'openai' ? `${server.url}/v1` : server.url,
        providerType: provider,
        apiKey: 'sk-test-FAKE-0000',
        ...extra,
      } as never,
      { alias: 'a', model: 'm' },
      { runtime: recordingRuntime() },
    ),
  );
  clients.push(made);
  return made;
}

const ask = (extra: Record<string, unknown> = {}) => ({ model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], ...extra });

interface Outcome {
  name: string;
  status?: number;
  retryable?: boolean;
  causes: string[];
}

/** The error's class, status, retryability and its cause chain as name[:code] (what classification reads). */
function outcome(error: unknown): Outcome {
  const causes: string[] = [];
  let current = (error as { cause?: unknown }).cause;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const { name, code } = current as { name?: string; code?: unknown };
    causes.push(typeof code === 'string' ? `${name}:${code}` : String(name));
    current = (current as { cause?: unknown }).cause;
  }
  const { name, status, retryable } = error as { name: string; status?: number; retryable?: boolean };
  return { name, status, retryable, causes };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function lowerPairs(raw: string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() !== 'host') pairs.push(`${raw[i].toLowerCase()}: ${raw[i + 1]}`);
  return pairs.sort();
}

function sdkLikeHeaders(): Headers {
  // What the Stainless SDKs hand fetch: a Headers object built with lower-cased names.
  const headers = new Headers();
  headers.append('accept', 'application/json');
  headers.append('content-type', 'application/json');
  headers.append('user-agent', 'OpenAI/JS 0.0.0');
  headers.append('x-stainless-retry-count', '0');
  headers.append('authorization', 'Bearer sk-test-FAKE-0000');
  headers.append('x-custom', 'a, b');
  return headers;
}

function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return undefined;
}

describe('undici transport: what the provider sees', () => {
  it('sends exactly the headers and body Node fetch sent, on a loopback and a non-loopback host', async () => {
    const hosts = ['127.0.0.1', nonLoopbackAddress()].filter((host): host is string => host !== undefined);
    for (const host of hosts) {
      const server = await startServer((_req, res) => res.end('{}'), host === '127.0.0.1' ? host : '0.0.0.0');
      const url = `http://${host}:${server.port}/v1/chat/completions?x=1`;
      const body = '{"model":"m","messages":[{"role":"user","content":"héllo"}]}';
      await (await fetch(url, { method: 'POST', headers: sdkLikeHeaders(), body, redirect: 'manual' })).text();
      const transport = await createUndiciFetch({ maxResponseBytes: 1 << 20, errorBodies: new WeakMap() });
      await (await transport.fetch(url, { method: 'POST', headers: sdkLikeHeaders(), body, signal: new AbortController().signal })).text();
      await transport.close();
      expect(server.rawHeaders).toHaveLength(2);
      expect(lowerPairs(server.rawHeaders[1])).toEqual(lowerPairs(server.rawHeaders[0]));
      expect(server.bodies[1]).toBe(server.bodies[0]);
      // Node's fetch sends sec-fetch-mode to any host (undici 8's own fetch skips plain-http
      // non-loopback hosts, hence the second host).
      expect(lowerPairs(server.rawHeaders[1])).toContain('sec-fetch-mode: cors');
    }
  });

  it('a request without the SDK headers gets fetch defaults (content-type, accept, user-agent)', async () => {
    const server = await startServer((_req, res) => res.end('{}'));
    await (await fetch(`${server.url}/p`, { method: 'POST', headers: new Headers(), body: 'x' })).text();
    const transport = await createUndiciFetch({ maxResponseBytes: 1 << 20, errorBodies: new WeakMap() });
    await (await transport.fetch(`${server.url}/p`, { method: 'POST', headers: new Headers(), body: 'x' })).text();
    await transport.close();
    expect(lowerPairs(server.rawHeaders[1])).toEqual(lowerPairs(server.rawHeaders[0]));
    expect(lowerPairs(server.rawHeaders[1])).toContain('user-agent: node');
  });

  it('each request goes to its own URL when calls alternate between URLs and servers (the last parse is reused)', async () => {
    const paths: string[] = [];
    const first = await startServer((req, res) => (paths.push(`first ${req.url}`), res.end('{}')));
    const second = await startServer((req, res) => (paths.push(`second ${req.url}`), res.end('{}')));
    const transport = await createUndiciFetch({ maxResponseBytes: 1 << 20, errorBodies: new WeakMap() });
    for (const url of [
      `${first.url}/v1/a?x=1`,
      `${first.url}/v1/a?x=1`,
      `${second.url}/v1/b`,
      `${first.url}/v1/a?x=2`,
      `${first.url}/v1/a?x=1`,
    ]) {
      await (await transport.fetch(url)).text();
    }
    await transport.close();
    expect(paths).toEqual(['first /v1/a?x=1', 'first /v1/a?x=1', 'second /v1/b', 'first /v1/a?x=2', 'first /v1/a?x=1']);
  });

  it.each(PROVIDERS)('%s: the SDK request reaches the provider with the same headers as before', async (provider) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(success(provider));
    });
    const made = await client(provider, server);
    await made.chat(ask({ extra_headers: { 'X-Trace': 't-1' } }));
    const pairs = lowerPairs(server.rawHeaders[0]).filter((pair) => !/^(user-agent|x-stainless-[a-z-]+):/.test(pair));
    // What main's fetch path sent, apart from the SDK's own version/platform headers.
    const common = [
      'accept: application/json',
      'accept-encoding: gzip, deflate',
      'accept-language: *',
      'connection: keep-alive',
      'content-type: application/json',
      'sec-fetch-mode: cors',
      'x-trace: t-1',
    ];
    const expected =
      provider === 'openai'
        ? [...common, 'authorization: Bearer sk-test-FAKE-0000']
        : [...common, 'anthropic-version: <date>', 'x-api-key: sk-test-FAKE-0000'];
    const seen = pairs
      .filter((pair) => !pair.startsWith('content-length:'))
      .map((pair) => pair.replace(/^(anthropic-version: )\d{4}-\d{2}-\d{2}$/, '$1<date>'));
    expect(seen.sort()).toEqual(expected.sort());
    expect(pairs.find((pair) => pair.startsWith('content-length:'))).toBe(`content-length: ${Buffer.byteLength(server.bodies[0])}`);
  });
});

describe('undici transport: response headers', () => {
  it('read like fetch Headers: any case, repeated values joined, sorted iteration', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('X-Multi', ['a', 'b']);
      res.setHeader('Retry-After', '2');
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    const viaFetch = await fetch(server.url);
    await viaFetch.text();
    const transport = await createUndiciFetch({ maxResponseBytes: 1 << 20, errorBodies: new WeakMap() });
    const ours = await transport.fetch(server.url);
    await ours.text();
    await transport.close();
    for (const name of ['x-multi', 'X-Multi', 'retry-after', 'RETRY-AFTER', 'absent']) {
      expect(ours.headers.get(name), name).toBe(viaFetch.headers.get(name));
      expect(ours.headers.has(name), name).toBe(viaFetch.headers.has(name));
    }
    const withoutDate = (entries: Iterable<[string, string]>) => [...entries].filter(([name]) => name !== 'date');
    expect(withoutDate(ours.headers.entries())).toEqual(withoutDate(viaFetch.headers.entries()));
    expect(ours.ok).toBe(true);
    expect(ours.status).toBe(200);
  });
});

const encoders: Record<string, (input: Buffer) => Buffer> = {
  gzip: (input) => zlib.gzipSync(input),
  'x-gzip': (input) => zlib.gzipSync(input),
  br: (input) => zlib.brotliCompressSync(input),
  deflate: (input) => zlib.deflateSync(input),
  'deflate-raw': (input) => zlib.deflateRawSync(input),
  zstd: (input) => zlib.zstdCompressSync(input),
  'gzip, br': (input) => zlib.brotliCompressSync(zlib.gzipSync(input)),
  'identity, gzip': (input) => zlib.gzipSync(input),
  compress: (input) => zlib.gzipSync(input),
};

describe('undici transport: decoding', () => {
  it('decodes each content-encoding as Node fetch did (unknown codings left as sent)', async () => {
    const payload = Buffer.from(JSON.stringify({ text: 'é'.repeat(3000) }));
    const server = await startServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': name === 'deflate-raw' ? 'deflate' : name });
      res.end(encoders[name](payload));
    });
    const transport = await createUndiciFetch({ maxResponseBytes: 1 << 20, errorBodies: new WeakMap() });
    for (const name of Object.keys(encoders)) {
      const url = `${server.url}/${encodeURIComponent(name)}`;
      const viaFetch = Buffer.from(await (await fetch(url)).arrayBuffer());
      const ours = await transport.fetch(url, { method: 'GET' });
      const viaUndici = Buffer.from(await ours.arrayBuffer());
      expect(viaUndici.equals(viaFetch), name).toBe(true);
    }
    await transport.close();
  });

  it.each(PROVIDERS)('%s: gzip, br and deflate success bodies reach the SDK decoded', async (provider) => {
    const server = await startServer((req, res) => {
      const name = (req.headers['x-encoding'] as string) ?? 'gzip';
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': name });
      res.end(encoders[name](Buffer.from(success(provider))));
    });
    const made = await client(provider, server);
    for (const name of ['gzip', 'br', 'deflate']) {
      const response = await made.chat(ask({ extra_headers: { 'x-encoding': name } }));
      expect(response.choices[0].message.content).toBe('decoded ok');
    }
  });
});

describe('undici transport: failures keep main outcomes', () => {
  it.each(PROVIDERS)('%s: a 3xx is not followed and fails like any unexpected status', async (provider) => {
    const server = await startServer((req, res) => {
      if (req.url?.startsWith('/elsewhere')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(success(provider));
        return;
      }
      res.writeHead(307, { location: '/elsewhere', 'content-type': 'application/json' });
      res.end('{"error":{"message":"moved"}}');
    });
    const made = await client(provider, server);
    const error = await failure(made.chat(ask()));
    expect(server.rawHeaders).toHaveLength(1);
    expect(outcome(error)).toMatchObject({ name: 'ModelAPIError', status: 307, retryable: false });
  });

  it.each(PROVIDERS)('%s: the caller aborting before the response headers rejects with its reason', async (provider) => {
    const server = await startServer(() => undefined);
    const made = await client(provider, server);
    const controller = new AbortController();
    const reason = new Error('caller stopped');
    setTimeout(() => controller.abort(reason), 50);
    await expect(made.chat(ask(), { signal: controller.signal })).rejects.toBe(reason);
  });

  it.each(PROVIDERS)('%s: the caller aborting mid-body rejects with its reason', async (provider) => {
    const controller = new AbortController();
    const reason = new Error('caller stopped');
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(success(provider).slice(0, 20));
      setTimeout(() => controller.abort(reason), 30);
    });
    const made = await client(provider, server);
    await expect(made.chat(ask(), { signal: controller.signal })).rejects.toBe(reason);
  });

  it.each(PROVIDERS)('%s: the attempt deadline before headers and mid-body is a ModelTimeoutError', async (provider) => {
    const server = await startServer((req, res) => {
      if (req.headers['x-phase'] === 'body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(success(provider).slice(0, 20));
      }
    });
    const made = await client(provider, server);
    for (const phase of ['headers', 'body', 'body', 'body']) {
      const error = await failure(made.chat(ask({ extra_headers: { 'x-phase': phase } }), { timeoutMs: 80 }));
      expect(outcome(error).name, phase).toBe('ModelTimeoutError');
      expect(outcome(error).retryable).toBe(true);
    }
    // Nothing of a timed-out attempt is left reading (the SDK's own body timer can fire before
    // our deadline): close() must not wait on a stalled body.
    const closed = await Promise.race([made.close().then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 3000, 'hung'))]);
    expect(closed).toBe('closed');
  });

  it.each(PROVIDERS)('%s: a connection reset before headers is a retried ModelAPIConnectionError', async (provider) => {
    const server = await startServer((req) => req.socket.destroy());
    const made = await client(provider, server);
    const error = await failure(made.chat(ask()));
    expect(outcome(error)).toEqual(MAIN_RESET_BEFORE_HEADERS(provider));
    expect(server.rawHeaders.length).toBe(MAIN_CONNECTION_ATTEMPTS);
  });

  it.each(PROVIDERS)('%s: a connection reset mid-body is a retried ModelAPIConnectionError', async (provider) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write(success(provider).slice(0, 20), () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const made = await client(provider, server);
    const error = await failure(made.chat(ask()));
    expect(outcome(error)).toEqual(MAIN_RESET_MID_BODY);
    expect(server.rawHeaders.length).toBe(MAIN_CONNECTION_ATTEMPTS);
  });

  it.each(PROVIDERS)('%s: an unreadable (corrupt gzip) success body keeps main outcome', async (provider) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(Buffer.from('this is not gzip at all'));
    });
    const made = await client(provider, server);
    const error = await failure(made.chat(ask()));
    expect(outcome(error)).toEqual(MAIN_CORRUPT_GZIP);
  });
});

describe('undici transport: bounds and sockets', () => {
  it.each(PROVIDERS)('%s: an error body is read up to 64 KiB and classified on that prefix', async (provider) => {
    const server = await startServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`bad request ${'x'.repeat(200_000)}`);
    });
    const made = await client(provider, server);
    const error = (await failure(made.chat(ask()))) as Error;
    expect(outcome(error)).toMatchObject({ name: 'ModelBadRequestError', status: 400, retryable: false });
    expect(error.message).toContain('bad request xxx');
    expect(error.message).toContain('[truncated, 65536 bytes]');
  });

  it.each(PROVIDERS)('%s: a success body past maxResponseBytes fails, plain or gzip; exactly the limit passes', async (provider) => {
    const body = success(provider);
    const server = await startServer((req, res) => {
      const padded = JSON.stringify({ ...JSON.parse(body), pad: 'p'.repeat(3000) });
      const payload = Buffer.from(req.headers['x-size'] === 'exact' ? body : padded);
      const gzip = req.headers['x-gzip'] === '1';
      res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(gzip ? zlib.gzipSync(payload) : payload);
    });
    const exact = Buffer.byteLength(body);
    const made = await client(provider, server, { maxResponseBytes: Math.max(1024, exact) });
    for (const gzip of ['0', '1']) {
      const error = await failure(made.chat(ask({ extra_headers: { 'x-gzip': gzip } })));
      expect(outcome(error), `gzip=${gzip}`).toMatchObject({ name: 'ModelAPIError', retryable: false });
      expect((error as Error).message).toContain('maxResponseBytes');
      expect((error as { status?: number }).status).toBeUndefined();
    }
    if (exact >= 1024) {
      const ok = await made.chat(ask({ extra_headers: { 'x-size': 'exact' } }));
      expect(ok.choices[0].message.content).toBe('decoded ok');
    }
  });

  it.each(PROVIDERS)('%s: close() releases the keep-alive sockets', async (provider) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(success(provider));
    });
    const made = await client(provider, server);
    await Promise.all([made.chat(ask()), made.chat(ask()), made.chat(ask())]);
    expect(await server.connections()).toBeGreaterThan(0);
    await made.close();
    const until = Date.now() + 2000;
    while ((await server.connections()) > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await server.connections()).toBe(0);
  });
});

// Recorded on main's fetch path (Node fetch + undici Agent) with this same file.
const MAIN_CONNECTION_ATTEMPTS = 3;
// Fetch reports a failure before the headers as `TypeError: fetch failed` and a body cut short or
// undecodable as `TypeError: terminated`, each with the socket or zlib error as its cause.
const connectionError = (provider: Provider, causes: string[]): Outcome => ({
  name: 'ModelAPIConnectionError',
  status: undefined,
  retryable: true,
  causes: [...(provider === 'openai' ? ['Error'] : ['APIConnectionError']), ...causes],
});
const MAIN_RESET_BEFORE_HEADERS = (provider: Provider): Outcome => connectionError(provider, ['TypeError', 'SocketError:UND_ERR_SOCKET']);
const MAIN_RESET_MID_BODY: Outcome = {
  name: 'ModelAPIConnectionError',
  status: undefined,
  retryable: true,
  causes: ['TypeError', 'SocketError:UND_ERR_SOCKET'],
};
const MAIN_CORRUPT_GZIP: Outcome = {
  name: 'ModelAPIConnectionError',
  status: undefined,
  retryable: true,
  causes: ['TypeError', 'Error:Z_DATA_ERROR'],
};
