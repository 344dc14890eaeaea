import { Pool } from 'undici';
import { ERROR_BODY_LIMIT_BYTES } from '../../core/limits.ts';
import { currentCapture } from '../../core/wire-capture.ts';
import { tappedSend } from './wire-tap.ts';
import { readBoundedBody } from './bounded-body-read.ts';
import type { HttpRequestSpec, HttpResponseData } from './http-exchange.ts';

export interface HttpTransportOptions {
  /** Sockets per origin: the deployment's concurrency, so no request waits for a socket. */
  connections: number;
  /** A 2xx body past this many bytes fails with ResponseTooLargeError. */
  maxResponseBytes: number;
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

  /**
   * Resolves with any HTTP status; rejects when no complete response arrived, or with
   * ResponseTooLargeError when a success body outgrows `maxResponseBytes`.
   */
  async send(spec: HttpRequestSpec): Promise<HttpResponseData> {
    const capture = currentCapture();
    return capture ? tappedSend(capture, spec, () => this.#send(spec)) : this.#send(spec);
  }

  async #send(spec: HttpRequestSpec): Promise<HttpResponseData> {
    if (this.#closed) throw new Error('the HTTP transport is closed');
    const response = await this.#pool(spec.url.origin).request({
      path: `${spec.url.pathname}${spec.url.search}`,
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      signal: spec.signal,
    });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    // Bounded either way: an error body is only a message (cut at ERROR_BODY_LIMIT_BYTES), a
    // success body fails past the provider's limit instead of filling memory.
    const bodyText = ok
      ? await readBoundedBody(response.body, this.#options.maxResponseBytes, 'fail')
      : await readBoundedBody(response.body, ERROR_BODY_LIMIT_BYTES, 'cut');
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
