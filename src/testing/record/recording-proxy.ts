// A loopback proxy in front of one provider origin, in the style of the replay server: engines
// get it as their endpoint, it forwards each request to the real origin with fetch and keeps the
// exchange (scrubbed) so the recorder can write it as a fixture. Engines run on their production
// transports against real sockets, exactly as they do under replay.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelProvider } from '../../config/schemas.ts';
import type { Exchange } from '../fixture.ts';
import type { Scrubber } from './secret-scrubber.ts';
import { createResigner, isSigV4, SIGNATURE_HEADERS } from './sigv4-resigner.ts';

// Hop-by-hop and framing headers are the proxy's own business on each leg.
const HOP_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'accept-encoding',
]);
// fetch decodes compressed bodies, so their encoding and length no longer describe what we relay.
const RELAY_DROP = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export interface ProxyFailure {
  method: string;
  path: string;
  message: string;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Exchanges captured since the last call, in arrival order; clears them. */
  take(): { exchanges: Exchange[]; failures: ProxyFailure[] };
  close(): Promise<void>;
}

function parseBody(buffer: Buffer): unknown {
  if (buffer.length === 0) return undefined;
  const text = buffer.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startRecordingProxy(options: { target: string; scrubber: Scrubber }): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const { scrubber } = options;
  const resign = createResigner();
  let exchanges: Exchange[] = [];
  let failures: ProxyFailure[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readAll(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const url = new URL(path, target.origin);
    let headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_HEADERS.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const authorization = req.headers.authorization;
    if (isSigV4(authorization)) {
      for (const name of SIGNATURE_HEADERS) delete headers[name];
      headers = await resign({ authorization, method, url, headers, body });
      delete headers.host; // fetch sets Host from the URL
    }

    let upstream: Response;
    let payload: Buffer;
    try {
      upstream = await fetch(url, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(body),
        redirect: 'manual',
      });
      payload = Buffer.from(await upstream.arrayBuffer());
    } catch (error) {
      // The engine must see what it would have seen without us: no response at all.
      failures.push({
        method,
        path,
        message: scrubber.value((error as Error).cause ? String((error as Error).cause) : (error as Error).message),
      });
      res.socket?.destroy();
      return;
    }

    const relayed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!RELAY_DROP.has(name)) relayed[name] = value;
    });
    res.writeHead(upstream.status, { ...relayed, 'content-length': String(payload.length) });
    res.end(payload);

    const requestBody = parseBody(body);
    const responseHeaders = scrubber.headers(upstream.headers);
    exchanges.push({
      request: {
        method,
        path,
        headers: scrubber.headers(req.headers),
        ...(requestBody === undefined ? {} : { body: scrubber.value(requestBody) }),
      },
      response: {
        status: upstream.status,
        headers: responseHeaders,
        ...(payload.length === 0 ? {} : { body: scrubber.value(parseBody(payload)) }),
      },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      failures.push({ method: req.method ?? 'GET', path: req.url ?? '/', message: scrubber.value((error as Error).message) });
      if (!res.headersSent) res.socket?.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    take() {
      const taken = { exchanges, failures };
      exchanges = [];
      failures = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ProxyPool {
  /** The provider's endpoint rewritten to its origin's proxy (started on first use), path kept. */
  route(provider: Pick<ModelProvider, 'endpoint'>): Promise<{ endpoint: string; proxy: RecordingProxy }>;
  close(): Promise<void>;
}

/** One recording proxy per real origin, shared by every provider on that origin. */
export function createProxyPool(scrubber: Scrubber): ProxyPool {
  const proxies = new Map<string, Promise<RecordingProxy>>();
  return {
    async route(provider) {
      const real = new URL(provider.endpoint);
      let proxy = proxies.get(real.origin);
      if (!proxy) {
        proxy = startRecordingProxy({ target: real.origin, scrubber });
        proxies.set(real.origin, proxy);
      }
      const started = await proxy;
      return { endpoint: `${started.origin}${real.pathname.replace(/\/+$/, '')}`, proxy: started };
    },
    async close() {
      await Promise.all([...proxies.values()].map(async (p) => (await p).close()));
    },
  };
}
