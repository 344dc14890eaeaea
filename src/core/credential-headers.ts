// Which extra header values count as credentials (docs/engine-rules.md, Secrets). A header whose
// name contains one of these words carries a secret whatever its length; any other header value
// (`anthropic-version: 2023-06-01`, `x-tenant: acme`) is configuration and stays readable, since
// registering it would scrub that ordinary text out of every message.
export const CREDENTIAL_HEADER_NAME_WORDS: readonly string[] = [
  'auth',
  'key',
  'token',
  'secret',
  'password',
  'passwd',
  'credential',
  'signature',
  'session',
  'cookie',
];

/** `Bearer abc`, `Basic abc`, `Token abc`: the part after the scheme is a secret on its own. */
export const AUTH_SCHEME_PREFIX = /^[A-Za-z][A-Za-z0-9-]*\s+(?=\S)/;
