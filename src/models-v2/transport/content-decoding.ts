// Response body decoding as Node's fetch did it for the SDKs (undici's request API does none):
// `content-encoding` codings undone last-applied first; gzip/x-gzip, deflate (zlib-wrapped or
// raw), br and zstd decoded leniently (sync flush, so a body cut at a block boundary still yields
// what arrived); one unknown coding (`identity` included) leaves the body exactly as sent.
import { Transform } from 'node:stream';
import zlib from 'node:zlib';

/** fetch refuses more codings than this (a decompression-bomb guard). */
export const MAX_CONTENT_CODINGS = 5;

export class TooManyContentCodingsError extends Error {
  constructor(count: number) {
    super(`too many content-encodings in response: ${count}, maximum allowed is ${MAX_CONTENT_CODINGS}`);
    this.name = 'TooManyContentCodingsError';
  }
}

/** The decoders to pipe the body through, outermost first; empty when the body is used as sent. */
export function contentDecoders(contentEncoding: string | undefined): Transform[] {
  if (!contentEncoding) return [];
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CONTENT_CODINGS) throw new TooManyContentCodingsError(codings.length);
  const decoders: Transform[] = [];
  for (let index = codings.length - 1; index >= 0; index--) {
    const decoder = decoderFor(codings[index].trim());
    if (!decoder) return [];
    decoders.push(decoder);
  }
  return decoders;
}

function decoderFor(coding: string): Transform | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return deflateDecoder();
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    case 'zstd':
      return zlib.createZstdDecompress({
        flush: zlib.constants.ZSTD_e_continue,
        finishFlush: zlib.constants.ZSTD_e_end,
        // RFC 9659 §3: decoders need not accept windows over 8 MiB.
        params: { [zlib.constants.ZSTD_d_windowLogMax]: 23 },
      });
    default:
      return undefined;
  }
}

/**
 * `deflate` as servers actually send it: RFC 1950 zlib data, or bare RFC 1951 data. The first
 * byte tells them apart (a zlib header's low nibble is 8, the deflate method).
 */
function deflateDecoder(): Transform {
  const options = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  let inner: Transform | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!inner) {
        if (chunk.length === 0) return callback();
        inner = (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
        inner.on('data', (data: Buffer) => this.push(data));
        inner.on('error', (error) => this.destroy(error));
      }
      inner.write(chunk, callback);
    },
    flush(callback) {
      if (!inner) return callback();
      inner.once('end', () => callback());
      inner.end();
    },
    // Destroyed (a bound, an abort, a cancel): the inner inflater stops too, instead of inflating
    // what was already written to it, and its zlib handle is freed now rather than at collection.
    destroy(error, callback) {
      inner?.destroy();
      callback(error);
    },
  });
}
