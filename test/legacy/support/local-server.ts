// A scripted HTTP server on 127.0.0.1 for end-to-end tests of the legacy engine: every request is
// recorded, and answered by the next scripted reply (or a default one).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  bodyText: string;
  body: unknown;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (the client's deadline must fire). */
  hang?: boolean;
  delayMs?: number;
}

export interface LocalServer {
  origin: string;
  requests: RecordedRequest[];
  /** Highest number of requests being handled at the same time. */
  maxConcurrent: number;
  close(): Promise<void>;
}

export async function startLocalServer(replies: Reply[] | ((req: RecordedRequest, index: number) => Reply)): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxConcurrent: 0 };
  const hanging: ServerResponse[] = [];

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    inFlight += 1;
    state.maxConcurrent = Math.max(state.maxConcurrent, inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body: unknown;
    try {
      body = bodyText ? JSON.parse(bodyText) : undefined;
    } catch {
      body = bodyText;
    }
    const recorded: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers, bodyText, body };
    const index = requests.push(recorded) - 1;
    const reply =
      typeof replies === 'function'
        ? replies(recorded, index)
        : (replies[index] ?? { status: 599, body: { error: { message: 'no scripted reply' } } });
    if (reply.hang) {
      hanging.push(outgoing);
      outgoing.on('close', () => {
        inFlight -= 1;
      });
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    outgoing.statusCode = reply.status ?? 200;
    for (const [name, value] of Object.entries(reply.headers ?? {})) outgoing.setHeader(name, value);
    if (reply.body === undefined || reply.body === null) {
      outgoing.end();
    } else if (typeof reply.body === 'string') {
      outgoing.end(reply.body);
    } else {
      if (!outgoing.hasHeader('content-type')) outgoing.setHeader('content-type', 'application/json');
      outgoing.end(JSON.stringify(reply.body));
    }
    inFlight -= 1;
  };

  const server: Server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
