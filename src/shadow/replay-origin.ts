// The in-process replay a shadow run talks to: a loopback node:http server answering with a
// sampled call's captured exchanges (no msw: production code). Requests are matched like
// compare's content replay: the first unused exchange with the same method, path and body, else
// the next unused one on the same method and path (the body difference then shows in the
// comparison); a request nothing answers gets a 500 with `x-should-retry: false`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalJson } from '../parity/json-diff.ts';
import { comparablePath } from '../parity/parity-rules.ts';
import type { KeptExchange } from './captured-call.ts';

export interface ServedShadowRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface ReplayOrigin {
  readonly origin: string;
  readonly requests: readonly ServedShadowRequest[];
  close(): Promise<void>;
}

const FRAMING = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

export function parseBodyText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function bodyKey(text: string): string {
  return canonicalJson(parseBodyText(text));
}

export async function startReplayOrigin(exchanges: readonly KeptExchange[]): Promise<ReplayOrigin> {
  const requests: ServedShadowRequest[] = [];
  const used = exchanges.map(() => false);
  const keys = exchanges.map((e) => bodyKey(e.bodyText));
  const route = (e: KeptExchange, method: string, path: string) => e.method.toUpperCase() === method.toUpperCase() && comparablePath(e.path) === comparablePath(path);

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('error', () => outgoing.destroy());
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const method = incoming.method ?? 'GET';
      const path = incoming.url ?? '/';
      requests.push({ method, path, body: parseBodyText(text) });
      const key = bodyKey(text);
      let index = exchanges.findIndex((e, i) => !used[i] && route(e, method, path) && keys[i] === key);
      if (index < 0) index = exchanges.findIndex((e, i) => !used[i] && route(e, method, path));
      if (index < 0) {
        outgoing.writeHead(500, { 'content-type': 'application/json', 'x-should-retry': 'false' });
        outgoing.end(JSON.stringify({ error: { type: 'shadow_replay_exhausted', message: `shadow replay: no captured exchange left for ${method} ${path}` } }));
        return;
      }
      used[index] = true;
      const exchange = exchanges[index];
      if (!exchange.response) {
        outgoing.socket?.destroy();
        return;
      }
      for (const [name, value] of Object.entries(exchange.response.headers)) if (!FRAMING.has(name)) outgoing.setHeader(name, value);
      outgoing.statusCode = exchange.response.status;
      outgoing.end(exchange.response.bodyText);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
