// Reads a response body from undici (decoded, see content-decoding.ts) within the Bounds rules
// (docs/engine-rules.md): a success body fails with ResponseTooLargeError past maxResponseBytes;
// an error body keeps its first ERROR_BODY_LIMIT_BYTES and the rest is never read (the socket is
// dropped). Failures look as they did under fetch: the abort signal's reason when the request was
// aborted, else `TypeError: terminated` with the socket or zlib error as its cause.
import type { Readable } from 'node:stream';
import { ResponseTooLargeError } from './response-too-large-error.ts';

export interface BodySource {
  stream: Readable;
  /** The first error the stream emitted before anyone read it (kept so it is never unhandled). */
  failure?: unknown;
}

/** Watches `stream` for an early error; call as soon as the response headers are in. */
export function bodySource(stream: Readable): BodySource {
  const source: BodySource = { stream };
  stream.once('error', (error) => {
    source.failure ??= error;
  });
  return source;
}

export interface BodyReadLimits {
  limitBytes: number;
  /** `fail`: ResponseTooLargeError past the limit. `truncate`: the first limitBytes, the rest dropped. */
  overflow: 'fail' | 'truncate';
  signal?: AbortSignal | null;
}

export function readBody(source: BodySource, { limitBytes, overflow, signal }: BodyReadLimits): Promise<Buffer> {
  const { stream } = source;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const fail = (error: unknown): void => {
      settle();
      stream.destroy();
      reject(signal?.aborted ? signal.reason : error);
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length <= limitBytes) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (overflow === 'fail') return fail(new ResponseTooLargeError(limitBytes));
      chunks.push(chunk.subarray(0, limitBytes - size));
      size = limitBytes;
      settle();
      stream.destroy();
      resolve(Buffer.concat(chunks, size));
    };
    const onEnd = (): void => {
      settle();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: unknown): void => fail(new TypeError('terminated', { cause: error }));
    if (signal?.aborted) return fail(signal.reason);
    if (source.failure !== undefined || stream.destroyed) {
      return fail(new TypeError('terminated', { cause: source.failure }));
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    // No abort listener of our own: undici destroys the body when the request's signal aborts,
    // and the error handler turns that into the signal's reason.
    stream.once('error', onError);
  });
}
