import { Pool } from 'undici';

export interface HttpRequestSpec {
  url: URL;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface HttpResponseData {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  bodyText: string;
}

export interface HttpTransportOptions {
  /** Sockets per origin: the deployment's concurrency, so no request waits for a socket. */
  connections: number;
  keepAliveTimeoutMs?: number;
}

const DEFAULT_KEEP_ALIVE_MS = 30_000;

/** One keep-alive pool per endpoint origin over undici (HTTP/1.1, sockets reused across calls). */
export class HttpTransport {
  readonly #pools = new Map<string, Pool>();
  readonly #options: HttpTransportOptions;
  #closed = false;

  constructor(options: HttpTransportOptions) {
    this.#options = options;
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.#options.connections,
        keepAliveTimeout: this.#options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS,
        // A request/response workload gains nothing from HTTP/2, and the pool size is the cap.
        allowH2: false,
        // The caller's per-attempt deadline (an AbortSignal) is the only clock; undici's own
        // 300 s defaults would otherwise cut a longer configured timeout short.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Resolves with any HTTP status; rejects only when no complete response arrived. */
  async send(spec: HttpRequestSpec): Promise<HttpResponseData> {
    if (this.#closed) throw new Error('the HTTP transport is closed');
    const response = await this.#pool(spec.url.origin).request({
      path: `${spec.url.pathname}${spec.url.search}`,
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      signal: spec.signal,
    });
    const bodyText = await response.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: response.statusCode, headers, bodyText };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }
}
