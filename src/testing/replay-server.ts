// Serves a fixture's recorded exchanges on 127.0.0.1. In-process interception (msw) sees only the
// global fetch and node:http — not undici's own transports and not HTTP/2 — so instead of
// intercepting we stand up a real loopback server that answers each request with its recorded
// response: every engine then runs on its production transport, real sockets included. No msw
// here: the harness runs from the installed package (dd-models compare), where devDependencies
// are absent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

const REPLAY_EXHAUSTED_HEADER = 'x-replay-exhausted';

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
  if (body === undefined || body === null) return new Response(null, { status: exchange.response.status, headers });
  if (typeof body === 'string') return new Response(body, { status: exchange.response.status, headers });
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status: exchange.response.status, headers });
}

// The answer to a request the recording does not cover. `x-should-retry: false` keeps engines
// from retrying into the void, so an extra request costs one diff, not a cascade.
function exhaustedResponse(reason: string): Response {
  return Response.json(
    { error: { type: 'replay_exhausted', message: `replay: ${reason}` } },
    { status: 500, headers: { 'x-should-retry': 'false', [REPLAY_EXHAUSTED_HEADER]: 'true' } },
  );
}

/**
 * How requests find their recorded exchange. `recorded`: each exchange in turn, the docs/contract.md "Fixtures"
 * replay. `content`: the first unused exchange with the same method, path and body (after
 * `ignore`), whatever the arrival order — for engines that send a call's requests concurrently
 * (Titan per text, Cohere batches); exchanges with the same body (a retry) keep their recorded
 * order, and an exchange without a recorded body matches any body on its method and path.
 */
export type ReplayOrder = 'recorded' | 'content';

export interface ReplayOptions {
  order?: ReplayOrder;
}

interface Pick {
  index: number;
  /** False when no unused exchange has this body: the nearest one serves it and the body is a diff. */
  bodyMatched: boolean;
}

function sameRoute(exchange: Exchange, method: string, path: string): boolean {
  return exchange.request.method.toUpperCase() === method.toUpperCase() && normalisePath(exchange.request.path) === normalisePath(path);
}

function bodyMatches(exchange: Exchange, body: unknown): boolean {
  const recorded = exchange.request;
  if (recorded.body === undefined) return true;
  const ignore = new Set(recorded.ignore ?? []);
  return diffJson(dropKeys(recorded.body, ignore), dropKeys(body, ignore)).length === 0;
}

/** The exchange that answers a request, or undefined when none may. Pure: marks nothing used. */
function pickExchange(
  exchanges: readonly Exchange[],
  used: readonly boolean[],
  order: ReplayOrder,
  served: ServedRequest,
): Pick | undefined {
  if (order === 'recorded') {
    const next = used.indexOf(false);
    return next >= 0 && sameRoute(exchanges[next], served.method, served.path)
      ? { index: next, bodyMatched: bodyMatches(exchanges[next], served.body) }
      : undefined;
  }
  let nearest: number | undefined;
  for (const [index, exchange] of exchanges.entries()) {
    if (used[index] || !sameRoute(exchange, served.method, served.path)) continue;
    if (bodyMatches(exchange, served.body)) return { index, bodyMatched: true };
    nearest ??= index;
  }
  return nearest === undefined ? undefined : { index: nearest, bodyMatched: false };
}

function unmatchedReason(
  exchanges: readonly Exchange[],
  used: readonly boolean[],
  order: ReplayOrder,
  requestIndex: number,
  method: string,
  path: string,
): string {
  const left = used.filter((u) => !u).length;
  if (left === 0)
    return `request #${requestIndex + 1} ${method} ${path} arrived after all ${exchanges.length} recorded exchanges were used`;
  if (order === 'content')
    return `request #${requestIndex + 1} ${method} ${path} matches none of the ${left} unused recorded exchanges (method and path)`;
  const nextIndex = used.indexOf(false);
  const next = exchanges[nextIndex];
  return `request #${requestIndex + 1} ${method} ${path} does not match the next recorded exchange #${nextIndex + 1} (${next.request.method} ${next.request.path})`;
}

export async function startReplayServer(exchanges: readonly Exchange[], options: ReplayOptions = {}): Promise<ReplayServer> {
  const order = options.order ?? 'recorded';
  const requests: ServedRequest[] = [];
  const diffs: ReplayDiff[] = [];
  const used = exchanges.map(() => false);
  let servedCount = 0;

  // The exchange is chosen when the request arrives: concurrent requests never race for one.
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

    const pick = pickExchange(exchanges, used, order, served);
    let response: Response | undefined;
    if (pick) {
      used[pick.index] = true;
      servedCount += 1;
      response = recordedResponse(exchanges[pick.index]);
      const recorded = exchanges[pick.index].request;
      if (recorded.body !== undefined && !pick.bodyMatched) {
        const ignore = new Set(recorded.ignore ?? []);
        for (const d of diffJson(dropKeys(recorded.body, ignore), dropKeys(served.body, ignore))) {
          diffs.push({
            path: `exchanges[${pick.index}].request.body${d.path.slice(1)}`,
            expected: d.left,
            actual: d.right,
            note: 'sent body differs from the recorded request body',
          });
        }
      }
    }
    if (!response) {
      const reason = unmatchedReason(exchanges, used, order, requestIndex, method, path);
      const next = order === 'recorded' ? exchanges[used.indexOf(false)] : undefined;
      diffs.push({
        path: `requests[${requestIndex}]`,
        expected: next ? `${next.request.method} ${next.request.path}` : null,
        actual: `${method} ${path}`,
        note: reason,
      });
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
      return servedCount;
    },
    diffs() {
      const unused = exchanges.flatMap((exchange, index) =>
        used[index]
          ? []
          : [
              {
                path: `exchanges[${index}]`,
                expected: `${exchange.request.method} ${exchange.request.path}`,
                actual: null,
                note: `recorded exchange #${index + 1} was never requested`,
              },
            ],
      );
      return [...diffs, ...unused];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
