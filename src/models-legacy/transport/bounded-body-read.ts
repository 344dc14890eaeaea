// Reads a response body without ever holding more than a limit (docs/engine-rules.md, Bounds).
// Error bodies are cut at the limit and the rest is left unread; a success body past its limit
// fails, since a cut JSON document is of no use.
import { ResponseTooLargeError } from './response-too-large-error.ts';

export interface ReadableBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/** `fail`: throw past the limit (success bodies); `cut`: keep the first `limit` bytes (error bodies). */
export async function readBoundedBody(body: ReadableBody, limitBytes: number, overflow: 'fail' | 'cut'): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.byteLength > limitBytes) {
      if (overflow === 'fail') {
        const error = new ResponseTooLargeError(limitBytes);
        body.destroy(error);
        throw error;
      }
      chunks.push(chunk.subarray(0, limitBytes - size));
      size = limitBytes;
      // The rest is never read: the socket goes, not the memory.
      body.destroy();
      break;
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  // TextDecoder like fetch's `text()`: invalid bytes (a character cut at the limit) become U+FFFD.
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}
