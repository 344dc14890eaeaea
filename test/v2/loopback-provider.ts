// A scripted HTTP server on 127.0.0.1 for the v2 tests: the engine under test runs on its real
// transport (SDK, fetch or node:http, real sockets); only the far end is fake.
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent verbatim; anything else as JSON. */
  body?: unknown;
  /** Holds the response back, e.g. to trip a client deadline. */
  delayMs?: number;
  /** Sends the headers and half the body, then holds the rest back this long. */
  stallBodyMs?: number;
}

export interface LoopbackProvider {
  url: string;
  requests: RecordedRequest[];
  /** Most requests ever being answered at the same time. */
  readonly maxConcurrent: number;
  /** Open TCP connections right now. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

export async function startLoopbackProvider(
  script: ScriptedResponse[] | ((request: RecordedRequest, index: number) => ScriptedResponse),
): Promise<LoopbackProvider> {
  const requests: RecordedRequest[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const server = createServer(async (req, res) => {
    concurrent += 1;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    res.on('close', () => {
      concurrent -= 1;
    });
    let rawBody = '';
    for await (const chunk of req) rawBody += chunk;
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body };
    const index = requests.length;
    requests.push(recorded);
    const scripted = Array.isArray(script)
      ? (script[index] ?? { status: 599, body: { message: `loopback provider: no response scripted for request ${index}` } })
      : script(recorded, index);
    if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    if (res.destroyed) return;
    const payload = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {});
    res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
    if (scripted.stallBodyMs) {
      const half = Math.floor(payload.length / 2);
      res.write(payload.slice(0, half));
      await new Promise((resolve) => setTimeout(resolve, scripted.stallBodyMs));
      if (res.destroyed) return;
      res.end(payload.slice(half));
      return;
    }
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    connections: () =>
      new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
