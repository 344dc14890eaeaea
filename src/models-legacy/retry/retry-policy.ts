import {
  ModelAPIConnectionError,
  ModelInternalServerError,
  ModelRateLimitError,
  ModelTimeoutError,
  type DataDesignerError,
} from '../../core/errors.ts';

// The legacy router's policy (docs/contract.md "Retries, timeouts, admission"): retries after the first attempt, by error class.
export const RATE_LIMIT_RETRIES = 3;
export const TIMEOUT_RETRIES = 3;
export const SERVER_ERROR_RETRIES = 2;
export const CONNECTION_RETRIES = 2;
/** Budget for an error only `x-should-retry: true` makes retryable. */
export const FORCED_RETRIES = 2;

function classBudget(error: DataDesignerError): number | undefined {
  if (error instanceof ModelRateLimitError) return RATE_LIMIT_RETRIES;
  if (error instanceof ModelTimeoutError) return TIMEOUT_RETRIES;
  if (error instanceof ModelInternalServerError) return SERVER_ERROR_RETRIES;
  if (error instanceof ModelAPIConnectionError) return CONNECTION_RETRIES;
  return undefined;
}

/** `x-should-retry` header value: 'true' | 'false' | anything else (ignored). */
export function parseShouldRetry(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/**
 * How many retries the latest error allows in total. The count of retries already made is
 * compared with the budget of the latest error's class, whatever the earlier errors were.
 */
export function retryBudget(error: DataDesignerError, shouldRetry: boolean | undefined): number {
  if (shouldRetry === false) return 0;
  const budget = classBudget(error);
  if (shouldRetry === true) return budget ?? FORCED_RETRIES;
  return budget ?? 0;
}
