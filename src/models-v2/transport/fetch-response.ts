// What the Stainless SDKs get back from our fetch: the parts of a fetch `Response` they read for a
// non-streaming call (status, ok, headers, url, text/json/arrayBuffer), fed from undici's body
// with no web stream in between. `body` is null: the SDKs touch it only to tie abort listeners to
// the response's lifetime (`response.body ?? response`) and to read a stream, which v2 never asks
// for. The body is read once, like fetch's.
import type { ResponseHeaders } from './response-headers.ts';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export class UndiciResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ResponseHeaders;
  readonly url: string;
  readonly redirected = false;
  readonly type = 'basic';
  readonly body = null;
  #read: (() => Promise<Buffer>) | undefined;

  constructor(status: number, statusText: string, headers: ResponseHeaders, url: string, read: () => Promise<Buffer>) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.url = url;
    this.#read = read;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get bodyUsed(): boolean {
    return this.#read === undefined;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  /** UTF-8 with a leading byte-order mark dropped and bad sequences as U+FFFD, as fetch decodes. */
  async text(): Promise<string> {
    const bytes = await this.#consume();
    const start = bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2] ? 3 : 0;
    return bytes.toString('utf8', start);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /**
   * A second reader of the same body (shadow mode's wire tap reads the copy before the SDK reads
   * the original). Both share one read of undici's body: the bytes are buffered once, and a bound
   * or transport failure reaches both readers alike.
   */
  clone(): UndiciResponse {
    const read = this.#read;
    if (!read) throw new TypeError('Response.clone: Body has already been consumed.');
    let once: Promise<Buffer> | undefined;
    const shared = (): Promise<Buffer> => (once ??= read());
    this.#read = shared;
    return new UndiciResponse(this.status, this.statusText, this.headers, this.url, shared);
  }

  #consume(): Promise<Buffer> {
    const read = this.#read;
    if (!read) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#read = undefined;
    return read();
  }
}
