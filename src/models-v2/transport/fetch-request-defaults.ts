// The values Node's fetch (Node 24, bundled undici 7) adds to a request when the caller did not
// set them; fetch-request-headers.ts applies them in fetch's order.

export const DEFAULT_ACCEPT = '*/*';
export const DEFAULT_ACCEPT_LANGUAGE = '*';
/** Node's fetch names itself `node`; the SDKs always send their own User-Agent. */
export const DEFAULT_USER_AGENT = 'node';
/** What fetch gives a string body that names no content type. */
export const DEFAULT_STRING_CONTENT_TYPE = 'text/plain;charset=UTF-8';
/** `Sec-Fetch-Mode` of every request Node's fetch sends (its mode, "cors"). */
export const FETCH_MODE = 'cors';
/** Any of these turns fetch's cache mode to "no-store", which adds `pragma` and `cache-control`. */
export const CACHE_BYPASSING_HEADERS = ['if-modified-since', 'if-none-match', 'if-unmodified-since', 'if-match', 'if-range'];

const HTTPS_ACCEPT_ENCODING = 'br, gzip, deflate';
const HTTP_ACCEPT_ENCODING = 'gzip, deflate';

/** Node's fetch offers brotli over https only. */
export function acceptEncodingFor(url: URL): string {
  return url.protocol === 'https:' ? HTTPS_ACCEPT_ENCODING : HTTP_ACCEPT_ENCODING;
}
