// A loopback pass-through that records what a client sends (method, path, headers, body) and
// forwards it to the real target, answering with the target's reply. The bench's reference rows
// replay exactly the requests v2 sent, so the floor and the bare SDKs carry the same bodies.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface CapturedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestCapture {
  /** The proxy's base URL; `forTarget` maps a target endpoint onto it (same path prefix). */
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

export async function startRequestCapture(targetOrigin: string): Promise<RequestCapture> {
  const requests: CapturedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name))) as Record<string, string>;
    try {
      const answer = await request(new URL(req.url ?? '/', targetOrigin), {
        method: req.method as 'POST',
        headers,
        body: body || undefined,
      });
      const text = await answer.body.text();
      const replyHeaders = Object.fromEntries(
        Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name) && name !== 'content-length'),
      );
      res.writeHead(answer.statusCode, replyHeaders);
      res.end(text);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
