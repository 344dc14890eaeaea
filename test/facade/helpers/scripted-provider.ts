// A scripted provider endpoint on 127.0.0.1: it answers each request with the next reply from a
// queue and records what it received, so tests drive the real engines over real sockets and
// assert on the wire. Running out of replies answers 400 (non-retryable) and is counted.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Answer only after this long (client deadlines). */
  delayMs?: number;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (raw text when it was not JSON). */
  body: any;
}

export class ScriptedProvider {
  readonly received: ReceivedRequest[] = [];
  readonly url: string;
  /** Requests that arrived after the queue ran dry. */
  overruns = 0;
  readonly #server: Server;
  readonly #queue: ScriptedReply[] = [];

  private constructor(server: Server) {
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<ScriptedProvider> {
    let provider: ScriptedProvider | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => provider!.#answer(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    provider = new ScriptedProvider(server);
    return provider;
  }

  /** Queues replies, served in order, one per request. */
  reply(...replies: ScriptedReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** The JSON bodies received, in order. */
  get bodies(): any[] {
    return this.received.map((r) => r.body);
  }

  reset(): void {
    this.received.length = 0;
    this.#queue.length = 0;
    this.overruns = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(method: string, path: string, headers: IncomingHttpHeaders, text: string, res: import('node:http').ServerResponse): void {
    // The CLIs' reachability probe (a bare HEAD, src/facade/endpoint-probe.ts) is no model call:
    // answered as an API server answers a method it does not serve, without taking a reply.
    if (method === 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Keep the raw text; a test asserting on it will say what arrived.
    }
    this.received.push({ method, path, headers, body });
    const next = this.#queue.shift();
    if (!next) {
      this.overruns += 1;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `scripted provider: no reply queued for ${method} ${path}` } }));
      return;
    }
    const payload = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(next.status ?? 200, { 'content-type': 'application/json', ...next.headers });
      res.end(payload);
    };
    if (next.delayMs) setTimeout(send, next.delayMs).unref();
    else send();
  }
}
