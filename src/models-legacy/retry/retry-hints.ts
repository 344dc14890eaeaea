// How long the server asked us to wait, in ms. `retry-after-ms` wins even when it is "0";
// `retry-after` is (fractional) seconds or an HTTP-date measured against the injected clock.
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseRetryHintMs(headers: Record<string, string>, nowMs: number): number | undefined {
  const ms = headers['retry-after-ms']?.trim();
  if (ms && NUMERIC.test(ms)) return Number(ms);
  const after = headers['retry-after']?.trim();
  if (!after) return undefined;
  if (NUMERIC.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : date - nowMs;
}

/** Only a hint in (0, 60 s] replaces backoff; zero, negative or huge hints are ignored. */
export const MAX_HONOURED_HINT_MS = 60_000;

export function usableHintMs(hintMs: number | undefined): number | undefined {
  return hintMs !== undefined && hintMs > 0 && hintMs <= MAX_HONOURED_HINT_MS ? hintMs : undefined;
}
