// The v2 retry policy (docs/contract.md "Retries, timeouts, admission", docs/engine-rules.md Retries), kept free of I/O so the numbers
// can be tested directly. The executor applies it identically to every provider.
import type { DataDesignerError } from '../../core/errors.ts';

/** Retries allowed after the first attempt, by the class of the latest error. */
export const RETRY_BUDGETS: Readonly<Record<string, number>> = {
  ModelRateLimitError: 3,
  ModelTimeoutError: 3,
  ModelInternalServerError: 2,
  ModelAPIConnectionError: 2,
};

/** Budget for an error made retryable only by `x-should-retry: true`. */
export const FORCED_RETRY_BUDGET = 2;

export const BASE_BACKOFF_MS = 2000;
export const MAX_HINT_MS = 60_000;

/**
 * How many retries the latest error allows in total. `error.retryable` already folds in
 * `x-should-retry`, so a non-retryable error has no budget whatever its class.
 */
export function retryBudget(error: DataDesignerError): number {
  if (!error.retryable) return 0;
  return RETRY_BUDGETS[error.name] ?? FORCED_RETRY_BUDGET;
}

/**
 * Sleep before retry `retriesMade` (0-based). `random` is drawn by the caller once per retry,
 * hint or not, so a replay consumes the same random sequence whichever branch applies.
 */
export function retryDelayMs(retriesMade: number, random: number, hintMs: number | undefined): number {
  if (hintMs !== undefined && hintMs > 0 && hintMs <= MAX_HINT_MS) return hintMs;
  return BASE_BACKOFF_MS * 2 ** retriesMade * (0.8 + 0.4 * random);
}
