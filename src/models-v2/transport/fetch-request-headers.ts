// The header list Node's fetch put on the wire for the Stainless SDKs, rebuilt for undici's
// request API so that what a provider sees does not change with the transport: the SDK's own
// headers, then what fetch appends (Node 24's bundled undici, steps of the Fetch standard's
// "fetch" and "HTTP-network-or-cache fetch"). Checked against Node's fetch in
// test/v2/undici-transport.test.ts. `host`, `connection` and `content-length` are undici's, as
// they were under fetch.
import {
  CACHE_BYPASSING_HEADERS,
  DEFAULT_ACCEPT,
  DEFAULT_ACCEPT_LANGUAGE,
  DEFAULT_STRING_CONTENT_TYPE,
  DEFAULT_USER_AGENT,
  FETCH_MODE,
  acceptEncodingFor,
} from './fetch-request-defaults.ts';

type HeaderSource = Headers | Record<string, string> | [string, string][] | undefined | null;

/** The request's headers as a flat [name, value, …] list, names lower-cased (what undici takes). */
export function fetchRequestHeaders(url: URL, source: HeaderSource, stringBody: boolean): string[] {
  const names = new Set<string>();
  const flat: string[] = [];
  const add = (name: string, value: string): void => {
    names.add(name);
    flat.push(name, value);
  };
  // Headers yields lower-cased names, each once (values of a repeated name joined with ", ").
  const headers = source instanceof Headers ? source : new Headers(source ?? undefined);
  for (const [name, value] of headers) add(name, value);
  if (stringBody && !names.has('content-type')) add('content-type', DEFAULT_STRING_CONTENT_TYPE);
  if (!names.has('accept')) add('accept', DEFAULT_ACCEPT);
  if (!names.has('accept-language')) add('accept-language', DEFAULT_ACCEPT_LANGUAGE);
  // Set, not appended: a caller's own value is replaced. Node 24's fetch sends it to every URL
  // (undici 8's fetch leaves it off plain http to non-loopback hosts; Node's is what we keep).
  if (names.has('sec-fetch-mode')) remove(flat, 'sec-fetch-mode');
  add('sec-fetch-mode', FETCH_MODE);
  if (!names.has('user-agent')) add('user-agent', DEFAULT_USER_AGENT);
  if (CACHE_BYPASSING_HEADERS.some((name) => names.has(name))) {
    if (!names.has('pragma')) add('pragma', 'no-cache');
    if (!names.has('cache-control')) add('cache-control', 'no-cache');
  }
  if (names.has('range')) add('accept-encoding', 'identity');
  if (!names.has('accept-encoding')) add('accept-encoding', acceptEncodingFor(url));
  if (names.has('host')) remove(flat, 'host');
  return flat;
}

function remove(flat: string[], name: string): void {
  for (let index = flat.length - 2; index >= 0; index -= 2) if (flat[index] === name) flat.splice(index, 2);
}
