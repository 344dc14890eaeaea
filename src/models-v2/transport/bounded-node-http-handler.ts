// Bounds on what the AWS SDK reads (docs/engine-rules.md, Bounds). Bedrock runs on smithy's
// NodeHttpHandler; this subclass hands the SDK a body it cannot overread: a success body errors
// with ResponseTooLargeError past the provider's maxResponseBytes, and an error body is read up
// to ERROR_BODY_LIMIT_BYTES here, the rest left unread (its socket is destroyed).
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { Readable, Transform, pipeline } from 'node:stream';
import { ERROR_BODY_LIMIT_BYTES } from '../../core/limits.ts';
import { ResponseTooLargeError } from './response-too-large-error.ts';

type HandlerClass = typeof NodeHttpHandler;

async function readPrefix(body: Readable, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const kept = (chunk as Buffer).subarray(0, limitBytes - size);
    chunks.push(kept);
    size += kept.byteLength;
    // Leaving the loop early destroys the stream: the rest is never read.
    if (size >= limitBytes) break;
  }
  return Buffer.concat(chunks, size);
}

function sizeLimited(body: Readable, limitBytes: number): Readable {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      if (size > limitBytes) callback(new ResponseTooLargeError(limitBytes));
      else callback(null, chunk);
    },
  });
  // pipeline forwards a reset or cut socket to the SDK's reader and destroys the socket when
  // the counter fails; the outcome is read from the counter, so the callback has nothing to do.
  pipeline(body, counter, () => undefined);
  return counter;
}

export function boundedHandlerClass(Base: HandlerClass, maxResponseBytes: number): HandlerClass {
  return class BoundedNodeHttpHandler extends Base {
    override async handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
      const result = await super.handle(...args);
      const { response } = result;
      if (!(response.body instanceof Readable)) return result;
      if (response.statusCode >= 200 && response.statusCode < 300) {
        // A body framed within the limit (uncompressed content-length) cannot overread: no copy.
        if (!framedWithin(response.headers, maxResponseBytes)) response.body = sizeLimited(response.body, maxResponseBytes);
      } else {
        response.body = Readable.from([await readPrefix(response.body, ERROR_BODY_LIMIT_BYTES)]);
      }
      return result;
    }
  };
}

function framedWithin(headers: Record<string, string | undefined>, limitBytes: number): boolean {
  const lookup = (name: string): string | undefined => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const encoding = lookup('content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const length = lookup('content-length');
  return length !== undefined && /^\d+$/.test(length) && Number(length) <= limitBytes;
}
