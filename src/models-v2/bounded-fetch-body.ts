// Bounds on what the Stainless SDKs read through our `fetch` (docs/engine-rules.md, Bounds): an
// error body is read once, up to ERROR_BODY_LIMIT_BYTES, and the SDK gets that prefix; a success
// body is counted as the SDK reads it and fails past the provider's maxResponseBytes.
import { ResponseTooLargeError } from './response-too-large-error.ts';

// Statuses whose Response may not carry a body (the constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The first `limitBytes` of `body`; the rest is cancelled unread. */
export async function readBodyPrefix(body: ReadableStream<Uint8Array> | null, limitBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limitBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      const kept = value.subarray(0, limitBytes - size);
      chunks.push(kept);
      size += kept.byteLength;
    }
  } finally {
    if (size >= limitBytes) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
}

/** A copy of `response` whose body is `bytes` (status and the same headers). */
export function withBody(response: Response, bytes: Uint8Array): Response {
  const body = NULL_BODY_STATUSES.has(response.status) ? null : bytes;
  return new Response(body as BodyInit | null, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * A copy of `response` whose body errors with ResponseTooLargeError past `limitBytes`. A body
 * whose framing already bounds it — an uncompressed `content-length` within the limit: the
 * transport never delivers more — is passed through as is, sparing the stream copy per call.
 */
export function withSizeLimit(response: Response, limitBytes: number): Response {
  if (!response.body || framedWithin(response.headers, limitBytes)) return response;
  let size = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limitBytes) controller.error(new ResponseTooLargeError(limitBytes));
      else controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function framedWithin(headers: Headers, limitBytes: number): boolean {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return false;
  const length = headers.get('content-length');
  return length !== null && /^\d+$/.test(length) && Number(length) <= limitBytes;
}
