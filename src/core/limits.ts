// Bounds every engine applies (docs/contract.md "Retries, timeouts, admission": every timer bounded, every body read bounded). The values
// live here once; each engine enforces them in its own code (docs/engine-rules.md, Bounds).

/** The longest delay a Node timer can hold (2^31 − 1 ms); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The largest `timeoutSeconds` a config may hold: the whole seconds that fit in a timer. */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** Success bodies larger than this fail the call unless the provider sets `maxResponseBytes`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** An error (non-2xx) body is read up to this many bytes; the rest is never read. */
export const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

/** Characters of a provider's error message kept in an error; the rest becomes a marker. */
export const PROVIDER_MESSAGE_LIMIT_CHARS = 2_000;
