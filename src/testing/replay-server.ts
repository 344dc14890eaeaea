// Serves a fixture's recorded exchanges on 127.0.0.1. msw's in-process interception sees only the
// global fetch and node:http — not undici's own transports and not HTTP/2 — so instead of
// intercepting we stand up a real loopback server and resolve each request with msw's
// `getResponse`: every engine then runs on its production transport, real sockets included.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, http, HttpResponse, type RequestHandler } from 'msw';
import { diffJson, dropKeys } from './json-diff.ts';
import type { Exchange } from './fixture.ts';

export interface ServedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the raw text (undefined when empty). */
  body: unknown;
}

export interface ReplayDiff {
  /** `exchanges[1].request.body.max_tokens`, `requests[3]`, `exchanges[2]`. */
  path: string;
  expected: unknown;
  actual: unknown;
  note: string;
}

export interface ReplayServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: readonly ServedRequest[];
  /** How many recorded exchanges were served. */
  readonly served: number;
  /** Body mismatches, unexpected requests, and (once called) exchanges never used. */
  diffs(): ReplayDiff[];
  close(): Promise<void>;
}

// Never recorded in full: these reach reports, and reports must not carry credentials.
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'x-amz-security-token', 'cookie', 'proxy-authorization']);
// Recorded responses may have been trimmed or re-encoded since capture; let node frame the body.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

export const REPLAY_EXHAUSTED_HEADER = 'x-replay-exhausted';

function normalisePath(path: string): string {
  const pathname = path.split('?')[0];
  return pathname.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function recordedResponse(exchange: Exchange): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(exchange.response.headers)) {
    if (!FRAMING_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  const { body } = exchange.response;
  if (body === undefined || body === null) return new HttpResponse(null, { status: exchange.response.status, headers });
  if (typeof body === 'string') return new HttpResponse(body, { status: exchange.response.status, headers });
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new HttpResponse(JSON.stringify(body), { status: exchange.response.status, headers });
}

// The answer to a request the recording does not cover. `x-should-retry: false` keeps engines
// from retrying into the void, so an extra request costs one diff, not a cascade.
function exhaustedResponse(reason: string): Response {
  return HttpResponse.json(
    { error: { type: 'replay_exhausted', message: `replay: ${reason}` } },
    { status: 500, headers: { 'x-should-retry': 'false', [REPLAY_EXHAUSTED_HEADER]: 'true' } },
  );
}

export async function startReplayServer(exchanges: readonly Exchange[]): Promise<ReplayServer> {
  const requests: ServedRequest[] = [];
  const diffs: ReplayDiff[] = [];
  let cursor = 0;

  // One handler per exchange, each used once and only when its turn has come: in-order replay.
  const handlers: RequestHandler[] = exchanges.map((exchange, index) =>
    http.all(
      ({ request }) =>
        cursor === index &&
        request.method.toUpperCase() === exchange.request.method.toUpperCase() &&
        normalisePath(new URL(request.url).pathname) === normalisePath(exchange.request.path),
      () => recordedResponse(exchange),
      { once: true },
    ),
  );

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value === undefined) continue;
      headers[name] = SECRET_HEADERS.has(name) ? '***' : Array.isArray(value) ? value.join(', ') : value;
    }
    const served: ServedRequest = { method, path, headers, body: parseBody(bodyText) };
    const requestIndex = requests.push(served) - 1;

    const request = new Request(new URL(path, `http://${incoming.headers.host ?? '127.0.0.1'}`), {
      method,
      headers: Object.entries(incoming.headers).flatMap(([name, value]) =>
        value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value] as [string, string]],
      ),
      body: method === 'GET' || method === 'HEAD' ? undefined : bodyText,
    });
    const exchangeIndex = cursor;
    let response = await getResponse(handlers, request);
    if (response) {
      cursor += 1;
      const recorded = exchanges[exchangeIndex].request;
      if (recorded.body !== undefined) {
        const ignore = new Set(recorded.ignore ?? []);
        for (const d of diffJson(dropKeys(recorded.body, ignore), dropKeys(served.body, ignore))) {
          diffs.push({
            path: `exchanges[${exchangeIndex}].request.body${d.path.slice(1)}`,
            expected: d.left,
            actual: d.right,
            note: 'sent body differs from the recorded request body',
          });
        }
      }
    } else {
      const next = exchanges[exchangeIndex];
      const reason = next
        ? `request #${requestIndex + 1} ${method} ${path} does not match the next recorded exchange #${exchangeIndex + 1} (${next.request.method} ${next.request.path})`
        : `request #${requestIndex + 1} ${method} ${path} arrived after all ${exchanges.length} recorded exchanges were used`;
      diffs.push({ path: `requests[${requestIndex}]`, expected: next ? `${next.request.method} ${next.request.path}` : null, actual: `${method} ${path}`, note: reason });
      response = exhaustedResponse(reason);
    }

    outgoing.statusCode = response.status;
    response.headers.forEach((value, name) => outgoing.setHeader(name, value));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  };

  const server: Server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      outgoing.statusCode = 500;
      outgoing.end(`replay server error: ${(error as Error).message}`);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get served() {
      return cursor;
    },
    diffs() {
      const unused = exchanges.slice(cursor).map((exchange, i) => ({
        path: `exchanges[${cursor + i}]`,
        expected: `${exchange.request.method} ${exchange.request.path}`,
        actual: null,
        note: `recorded exchange #${cursor + i + 1} was never requested`,
      }));
      return [...diffs, ...unused];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
