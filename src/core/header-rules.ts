// Which extra headers a caller or a provider config may set (docs/engine-rules.md, Bounds). The
// transport owns message framing and the connection: a caller's `content-length` makes the
// server wait for bytes that never come, a `host` sends the request to another virtual host.

/** RFC 9110 `token`: the characters a header name may hold. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Characters outside tab, visible ASCII, space and obs-text (what Node's http layer accepts). */
export const HEADER_VALUE_FORBIDDEN_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Framing and hop-by-hop headers only the transport may set (lower-case). */
export const TRANSPORT_OWNED_HEADERS: readonly string[] = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
  'expect',
];
