import { usableHintMs } from './retry-hints.ts';

export const INITIAL_RETRY_DELAY_MS = 2000;
export const JITTER_FRACTION = 0.2;

/**
 * Delay before retry `k` (retries already made, 0-based): the server's hint when usable, else
 * 2 s × 2^k × U(0.8, 1.2). `random()` is drawn on every retry, hint or not, so both engines
 * consume the injected random source identically.
 */
export function backoffDelayMs(k: number, random: () => number, hintMs?: number): number {
  const jitter = 1 - JITTER_FRACTION + 2 * JITTER_FRACTION * random();
  const computed = INITIAL_RETRY_DELAY_MS * 2 ** k * jitter;
  return usableHintMs(hintMs) ?? computed;
}
