// The smithy request handler the Bedrock client runs on: undici's request API on an Agent (a pool
// per origin) that belongs to one SDK client, in place of smithy's NodeHttpHandler on `node:http`
// (profiles put `node:http` and the handler's per-call timers at ~25 % of a Converse call). It
// keeps what NodeHttpHandler did, so no provider and no test can tell the difference:
// - the request exactly as the SDK built and signed it: method, path and query, the headers
//   object as given (plus `host` and `connection: keep-alive`, which node:http added too), the
//   body bytes; nothing is decoded (node:http decoded nothing either: the SDK asks for no coding);
// - no clock of its own (NodeHttpHandler set none for us): our per-attempt deadline is the only one;
// - abort: the `AbortError` smithy builds (the signal's reason as its cause), before the request
//   and while it runs; transport failures keep their undici / socket error, which failure
//   classification reads (transport/interruption.ts);
// - response headers as node:http presented them (names lower-cased, repeated headers joined);
// - the Bounds rules (docs/engine-rules.md), enforced while the body is read here, once: a success
//   body fails with ResponseTooLargeError past maxResponseBytes; an error body keeps its first
//   ERROR_BODY_LIMIT_BYTES (its text goes to `errorBodies`, keyed by the response object the SDK
//   later attaches to its exception as `$response`) and the rest is never read.
// The SDK gets the body as bytes: its deserialisers collect a body to bytes first and take bytes
// as they are, so no stream is piped on the way.
import type { Dispatcher } from 'undici';
import { ERROR_BODY_LIMIT_BYTES } from '../../core/limits.ts';
import { bodySource, readBody } from './bounded-body-read.ts';

/** The parts of smithy's HttpRequest a request handler reads. */
export interface SmithyHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | Array<string> | null>;
  fragment?: string;
  username?: string;
  password?: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What smithy's HttpResponse carries; the SDK recognises a response by these fields. */
export interface SmithyHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface SmithyHandlerOptions {
  abortSignal?: AbortSignal;
}

export interface UndiciHttpHandlerOptions {
  /** The provider's maxResponseBytes. */
  maxResponseBytes: number;
  /** Filled with the text of every non-2xx body read, keyed by the response handed to the SDK. */
  errorBodies: WeakMap<object, string>;
}

// node:http keeps the first of these when a response repeats them, and joins the rest with ", "
// (its IncomingMessage rules); smithy then joined what was left (set-cookie) with ",".
const FIRST_VALUE_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

type UndiciAgentClass = typeof import('undici').Agent;
type UndiciAgent = InstanceType<UndiciAgentClass>;

export class UndiciHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly #Agent: UndiciAgentClass;
  readonly #options: UndiciHttpHandlerOptions;
  #connections: number;
  #agent: UndiciAgent;
  #retired: UndiciAgent[] = [];

  private constructor(Agent: UndiciAgentClass, connections: number, options: UndiciHttpHandlerOptions) {
    this.#Agent = Agent;
    this.#options = options;
    this.#connections = connections;
    this.#agent = this.#newAgent();
  }

  /** `connections`: sockets per origin, like node:http's maxSockets (a request waits for one). */
  static async create(connections: number, options: UndiciHttpHandlerOptions): Promise<UndiciHttpHandler> {
    const { Agent } = await import('undici');
    return new UndiciHttpHandler(Agent, connections, options);
  }

  /**
   * More sockets per origin (another model shares this client). An Agent's pools are sized when
   * made, so later requests go to a wider Agent; the old one finishes what it has and closes.
   */
  widen(connections: number): void {
    const old = this.#agent;
    this.#connections += connections;
    this.#agent = this.#newAgent();
    this.#retired.push(old);
    old.close().then(
      () => this.#retired.splice(this.#retired.indexOf(old), 1),
      () => old.destroy(),
    );
  }

  #newAgent(): UndiciAgent {
    return new this.#Agent({ headersTimeout: 0, bodyTimeout: 0, connections: this.#connections });
  }

  async handle(request: SmithyHttpRequest, { abortSignal }: SmithyHandlerOptions = {}): Promise<{ response: SmithyHttpResponse }> {
    if (abortSignal?.aborted) throw abortError(abortSignal);
    let data: Dispatcher.ResponseData;
    try {
      data = await this.#agent.request({
        origin: `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`,
        path: requestPath(request),
        method: request.method as Dispatcher.HttpMethod,
        headers: withBasicAuth(request),
        body: request.body as Dispatcher.DispatchOptions['body'],
        signal: abortSignal,
      });
    } catch (error) {
      if (abortSignal?.aborted) throw abortError(abortSignal);
      throw error;
    }
    const { statusCode } = data;
    const source = bodySource(data.body);
    const success = statusCode >= 200 && statusCode <= 299;
    let body: Buffer;
    try {
      body = await readBody(source, {
        limitBytes: success ? this.#options.maxResponseBytes : ERROR_BODY_LIMIT_BYTES,
        overflow: success ? 'fail' : 'truncate',
      });
    } catch (error) {
      if (abortSignal?.aborted) throw abortError(abortSignal);
      throw error;
    }
    // undici hands a kept-alive socket to the next request only from the check phase on (it looks
    // for bytes the server sent unasked first); waiting for it here lets a call made right after
    // this one reuse the socket, as node:http's agent did, instead of opening another.
    await new Promise(setImmediate);
    const response: SmithyHttpResponse = { statusCode, reason: data.statusText, headers: nodeHeaders(data.headers), body };
    if (statusCode >= 300) this.#options.errorBodies.set(response, body.toString('utf8'));
    return { response };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** smithy's hook, called by the client's destroy(). */
  destroy(): void {
    void this.close();
  }

  /** Closes the pools: waits for requests in flight, then releases every socket. */
  async close(): Promise<void> {
    await Promise.all([this.#agent, ...this.#retired].map((agent) => agent.close().catch(() => agent.destroy())));
  }
}

/** The error NodeHttpHandler rejected with on an abort (smithy's shape: name, message, cause). */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return Object.assign(new Error('Request aborted', { cause: reason }), { name: 'AbortError' });
  return Object.assign(new Error(reason ? String(reason) : 'Request aborted'), { name: 'AbortError' });
}

function requestPath({ path, query, fragment }: SmithyHttpRequest): string {
  let full = path;
  const queryString = query ? buildQuery(query) : '';
  if (queryString) full += `?${queryString}`;
  if (fragment) full += `#${fragment}`;
  return full;
}

// smithy's query string: keys in the object's order, each key and value percent-encoded with
// encodeURIComponent plus !'()* (RFC 3986 unreserved characters only), a null value as a bare key.
function buildQuery(query: NonNullable<SmithyHttpRequest['query']>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query)) {
    const value = query[key];
    const name = escapeUri(key);
    if (Array.isArray(value)) for (const item of value) parts.push(`${name}=${escapeUri(item)}`);
    else parts.push(value === null || value === undefined ? name : `${name}=${escapeUri(value)}`);
  }
  return parts.join('&');
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * smithy passed the request's user info to node:http as `auth`, which became this header unless
 * the request already carried an `Authorization`.
 */
function withBasicAuth(request: SmithyHttpRequest): Record<string, string> {
  if (request.username == null && request.password == null) return request.headers;
  if (Object.keys(request.headers).some((name) => name.toLowerCase() === 'authorization')) return request.headers;
  const credentials = Buffer.from(`${request.username ?? ''}:${request.password ?? ''}`).toString('base64');
  return { ...request.headers, authorization: `Basic ${credentials}` };
}

function nodeHeaders(record: Dispatcher.ResponseData['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in record) {
    const value = record[name];
    if (value === undefined) continue;
    if (!Array.isArray(value)) headers[name] = value;
    else if (name === 'set-cookie') headers[name] = value.join(',');
    else headers[name] = FIRST_VALUE_WINS.has(name) ? value[0] : value.join(', ');
  }
  return headers;
}
