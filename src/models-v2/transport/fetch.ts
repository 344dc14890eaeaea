// The `fetch` the OpenAI and Anthropic SDKs get in v2: undici's request API on an Agent (a pool
// per origin) that belongs to one SDK client and is closed with it, and no web streams on the
// way (profiles put fetch / web streams / AbortSignal at ~40 % of v2's CPU per call). It keeps
// what Node's fetch did for the SDKs, so no provider and no caller can tell the difference:
// - the same request headers (fetch-request-headers.ts) and body bytes;
// - the same body decoding (content-decoding.ts);
// - redirects never followed (docs/engine-rules.md, Errors): a 3xx reaches the SDK as an error.
//   fetch with `redirect: 'manual'` did the same; undici's request follows nothing by itself;
// - no headers or body timeout (our per-attempt deadline is the only clock, docs/contract.md "Retries, timeouts, admission");
// - failures shaped as fetch shaped them: the signal's reason on abort, `TypeError: fetch failed`
//   before the headers and `TypeError: terminated` after, each with undici's error as cause —
//   the SDKs map them to APIUserAbortError / APIConnectionError, and failure classification
//   reads the cause chain (transport/interruption.ts);
// - the Bounds rules (docs/engine-rules.md): an error body is read once up to
//   ERROR_BODY_LIMIT_BYTES and its text kept in `errorBodies` (the SDKs keep only part of it),
//   keyed by the response's headers object, which the SDK hands on to its APIError; a success
//   body fails with ResponseTooLargeError past maxResponseBytes.
import type { Dispatcher } from 'undici';
import { ERROR_BODY_LIMIT_BYTES } from '../../core/limits.ts';
import { contentDecoders } from './content-decoding.ts';
import { fetchRequestHeaders } from './fetch-request-headers.ts';
import { ResponseHeaders } from './response-headers.ts';
import { bodySource, readBody } from './bounded-body-read.ts';
import { UndiciResponse } from './fetch-response.ts';
import { transportSignal } from './attempt-signal.ts';
import { pipeline, type Readable } from 'node:stream';

export interface UndiciFetchOptions {
  /** The provider's maxResponseBytes. */
  maxResponseBytes: number;
  /** Filled with the text of every non-2xx body read, keyed by its response's `headers`. */
  errorBodies: WeakMap<object, string>;
}

export interface UndiciFetch {
  fetch: typeof fetch;
  /** Closes the pool: waits for requests in flight, then releases every socket. */
  close(): Promise<void>;
}

// Statuses whose response has no body, and methods whose response body fetch never decodes.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const BODYLESS_METHODS = new Set(['HEAD', 'CONNECT']);
const EMPTY = Buffer.alloc(0);
const noop = (): void => undefined;

export async function createUndiciFetch(options: UndiciFetchOptions): Promise<UndiciFetch> {
  const { Agent } = await import('undici');
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  const send = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    undiciFetch(agent, options, input, init) as unknown as Promise<Response>;
  return {
    fetch: send as typeof fetch,
    close: async () => {
      await agent.close().catch(() => agent.destroy());
    },
  };
}

async function undiciFetch(
  agent: Dispatcher,
  { maxResponseBytes, errorBodies }: UndiciFetchOptions,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<UndiciResponse> {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const { url, origin, path } = requestTarget(href);
  const signal = transportSignal(init);
  if (signal?.aborted) throw signal.reason;
  const method = init?.method ?? 'GET';
  const body = requestBody(init?.body);
  let data: Dispatcher.ResponseData;
  try {
    data = await agent.request({
      origin,
      path,
      method: method as Dispatcher.HttpMethod,
      headers: fetchRequestHeaders(url, init?.headers as Headers | undefined, typeof body === 'string'),
      body,
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError('fetch failed', { cause: error });
  }
  const { statusCode: status, statusText, headers: record } = data;
  const headers = new ResponseHeaders(record);
  if (NULL_BODY_STATUSES.has(status) || BODYLESS_METHODS.has(method)) {
    // Drained, bounded: a 205 may still carry a body, and an endless one must not hold the socket
    // (and with it close()); undici destroys the body past the limit.
    data.body.dump({ limit: ERROR_BODY_LIMIT_BYTES }).catch(noop);
    return new UndiciResponse(status, statusText, headers, href, () => Promise.resolve(EMPTY));
  }
  let stream: Readable = data.body;
  try {
    const decoders = contentDecoders(headers.get('content-encoding') ?? undefined);
    if (decoders.length > 0) stream = pipeline([data.body, ...decoders], noop) as unknown as Readable;
  } catch (error) {
    data.body.on('error', noop).destroy();
    throw new TypeError('fetch failed', { cause: error });
  }
  const source = bodySource(stream);
  if (status >= 200 && status <= 299) {
    return new UndiciResponse(status, statusText, headers, href, () =>
      readBody(source, { limitBytes: maxResponseBytes, overflow: 'fail', signal }),
    );
  }
  // Read once, bounded; the SDK reads the same prefix again. An unreadable body leaves
  // classification to status and headers.
  let prefix: Buffer = EMPTY;
  try {
    prefix = await readBody(source, { limitBytes: ERROR_BODY_LIMIT_BYTES, overflow: 'truncate', signal });
    errorBodies.set(headers, new TextDecoder().decode(prefix));
  } catch (error) {
    if (signal?.aborted) throw error;
  }
  return new UndiciResponse(status, statusText, headers, href, () => Promise.resolve(prefix));
}

interface RequestTarget {
  href: string;
  url: URL;
  origin: string;
  path: string;
}
let lastTarget: RequestTarget | undefined;

/**
 * The request URL, parsed once for a run of calls to the same URL (a model's calls all go to one
 * endpoint): the last parse is kept and reused while the SDK hands over the same string.
 */
function requestTarget(href: string): RequestTarget {
  if (lastTarget?.href === href) return lastTarget;
  const url = new URL(href);
  lastTarget = { href, url, origin: url.origin, path: url.pathname + url.search };
  return lastTarget;
}

/** The request bodies the SDKs send for v2's calls: JSON text (or bytes). */
function requestBody(body: BodyInit | null | undefined): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`the v2 transport sends string or byte request bodies only, not ${Object.prototype.toString.call(body)}`);
}
