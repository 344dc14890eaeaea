// The in-process replay shadow runs talk to: a loopback node:http server (no msw: production
// code) that answers from the exchanges of the round currently loaded — one sampled call's
// captured exchanges. One origin serves every shadow run of a shadow session, one round at a time
// (the session runs them one after another), so a run costs no listen or connect of its own.
// Requests are matched like compare's content replay: the first unused exchange with the same
// method, path and body, else the next unused one on the same method and path (the body
// difference then shows in the comparison); a request nothing answers — or one arriving between
// rounds — gets a 500 with `x-should-retry: false`.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalJson } from '../parity/json-diff.ts';
import { comparablePath } from '../parity/parity-rules.ts';
import type { KeptExchange } from './captured-call.ts';

export interface ServedShadowRequest {
  method: string;
  path: string;
  body: unknown;
}

/** One sampled call's exchanges, as served: what the shadow engine asked for lands in `requests`. */
export interface ReplayRound {
  readonly requests: readonly ServedShadowRequest[];
}

export interface ReplayOrigin {
  readonly origin: string;
  /** Serves `exchanges` until `end()` is called; rounds never overlap. */
  begin(exchanges: readonly KeptExchange[]): ReplayRound & { end(): void };
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

class Round {
  readonly requests: ServedShadowRequest[] = [];
  readonly #exchanges: readonly KeptExchange[];
  readonly #used: boolean[];
  #keys?: string[];

  constructor(exchanges: readonly KeptExchange[]) {
    this.#exchanges = exchanges;
    this.#used = exchanges.map(() => false);
  }

  /** The exchange answering this request (and marks it used), or undefined when none is left. */
  take(method: string, path: string, text: string): KeptExchange | undefined {
    this.requests.push({ method, path, body: parseBodyText(text) });
    const route = (e: KeptExchange) => e.method.toUpperCase() === method.toUpperCase() && comparablePath(e.path) === comparablePath(path);
    this.#keys ??= this.#exchanges.map((e) => bodyKey(e.bodyText));
    const key = bodyKey(text);
    let index = this.#exchanges.findIndex((e, i) => !this.#used[i] && route(e) && this.#keys![i] === key);
    if (index < 0) index = this.#exchanges.findIndex((e, i) => !this.#used[i] && route(e));
    if (index < 0) return undefined;
    this.#used[index] = true;
    return this.#exchanges[index];
  }
}

function answerExhausted(outgoing: ServerResponse, method: string, path: string): void {
  outgoing.writeHead(500, { 'content-type': 'application/json', 'x-should-retry': 'false' });
  outgoing.end(
    JSON.stringify({
      error: { type: 'shadow_replay_exhausted', message: `shadow replay: no captured exchange left for ${method} ${path}` },
    }),
  );
}

export async function startReplayOrigin(): Promise<ReplayOrigin> {
  let current: Round | undefined;

  const server: Server = createServer((incoming, outgoing) => {
    const round = current;
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('error', () => outgoing.destroy());
    incoming.on('end', () => {
      const method = incoming.method ?? 'GET';
      const path = incoming.url ?? '/';
      // A request that began in an earlier round (a late retry of an abandoned run) gets nothing.
      const exchange = round && round === current ? round.take(method, path, Buffer.concat(chunks).toString('utf8')) : undefined;
      if (!exchange) return answerExhausted(outgoing, method, path);
      if (!exchange.response) {
        outgoing.socket?.destroy();
        return;
      }
      for (const [name, value] of Object.entries(exchange.response.headers)) if (!FRAMING.has(name)) outgoing.setHeader(name, value);
      outgoing.statusCode = exchange.response.status;
      outgoing.end(exchange.response.bodyText);
    });
  });
  // The clients close idle connections on their own timers; the server never does, so a client
  // can never reuse a socket the server is closing (which would read as an extra attempt).
  server.keepAliveTimeout = 0;
  // Neither the server nor its connections keep a process alive that is otherwise done.
  server.on('connection', (socket) => socket.unref());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Lives as long as its session: an accept failure (EMFILE, …) fails the run that needed it, as
  // a refused connection, and never the thread.
  server.on('error', () => undefined);
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    begin(exchanges) {
      if (current) throw new Error('shadow replay: a round is already being served');
      const round = new Round(exchanges);
      current = round;
      return {
        requests: round.requests,
        end: () => {
          if (current === round) current = undefined;
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        current = undefined;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
