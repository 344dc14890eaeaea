import { describe, expect, it } from 'vitest';
import {
  ModelAPIConnectionError,
  ModelAuthenticationError,
  ModelBadRequestError,
  ModelInternalServerError,
  ModelNotFoundError,
  ModelQuotaExceededError,
  ModelRateLimitError,
  ModelTimeoutError,
} from '../../src/core/errors.ts';
import { backoffDelayMs } from '../../src/models-legacy/retry/backoff.ts';
import { parseRetryHintMs, usableHintMs } from '../../src/models-legacy/retry/retry-hints.ts';
import { parseShouldRetry, retryBudget } from '../../src/models-legacy/retry/retry-policy.ts';

describe('backoffDelayMs', () => {
  it('doubles from 2 s when the jitter factor is exactly 1', () => {
    // random() = 0.5 → factor 0.8 + 0.4 × 0.5 = 1
    expect([0, 1, 2].map((k) => backoffDelayMs(k, () => 0.5))).toEqual([2000, 4000, 8000]);
  });

  it('stays within ±20 % of the anchor', () => {
    expect(backoffDelayMs(0, () => 0)).toBeCloseTo(1600, 9);
    expect(backoffDelayMs(0, () => 0.999999)).toBeLessThanOrEqual(2400);
    expect(backoffDelayMs(2, () => 0)).toBeCloseTo(6400, 9);
    expect(backoffDelayMs(2, () => 0.999999)).toBeCloseTo(9600, 1);
  });

  it('uses a hint in (0, 60 s] instead of backoff, yet still draws random once', () => {
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0.5;
    };
    expect(backoffDelayMs(1, random, 1500)).toBe(1500);
    expect(backoffDelayMs(0, random, 60_000)).toBe(60_000);
    expect(draws).toBe(2);
  });

  it('ignores zero, negative and over-60 s hints', () => {
    expect(backoffDelayMs(0, () => 0.5, 0)).toBe(2000);
    expect(backoffDelayMs(0, () => 0.5, -5000)).toBe(2000);
    expect(backoffDelayMs(1, () => 0.5, 60_001)).toBe(4000);
  });
});

describe('parseRetryHintMs', () => {
  const now = Date.UTC(2025, 4, 12, 11, 11, 55);

  it('prefers retry-after-ms, even "0", over retry-after', () => {
    expect(parseRetryHintMs({ 'retry-after-ms': '10' }, now)).toBe(10);
    expect(parseRetryHintMs({ 'retry-after-ms': '0', 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }, now)).toBe(0);
  });

  it('reads retry-after as fractional seconds', () => {
    expect(parseRetryHintMs({ 'retry-after': '0.1' }, now)).toBe(100);
    expect(parseRetryHintMs({ 'retry-after': '2' }, now)).toBe(2000);
  });

  it('reads retry-after as an HTTP-date against the injected clock', () => {
    expect(parseRetryHintMs({ 'retry-after': 'Mon, 12 May 2025 11:12:05 GMT' }, now)).toBe(10_000);
    expect(parseRetryHintMs({ 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }, now)).toBe(-now);
  });

  it('falls back to retry-after when retry-after-ms is unparseable, and gives up on garbage', () => {
    expect(parseRetryHintMs({ 'retry-after-ms': 'soon', 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryHintMs({ 'retry-after': 'whenever' }, now)).toBeUndefined();
    expect(parseRetryHintMs({}, now)).toBeUndefined();
  });

  it('usableHintMs keeps only (0, 60 000]', () => {
    expect(usableHintMs(undefined)).toBeUndefined();
    expect(usableHintMs(0)).toBeUndefined();
    expect(usableHintMs(1)).toBe(1);
    expect(usableHintMs(60_000)).toBe(60_000);
    expect(usableHintMs(60_001)).toBeUndefined();
  });
});

describe('retryBudget', () => {
  it('gives 429 and timeouts 3 retries, 5xx and connection errors 2, the rest none', () => {
    expect(retryBudget(new ModelRateLimitError(), undefined)).toBe(3);
    expect(retryBudget(new ModelTimeoutError(), undefined)).toBe(3);
    expect(retryBudget(new ModelInternalServerError(), undefined)).toBe(2);
    expect(retryBudget(new ModelAPIConnectionError(), undefined)).toBe(2);
    for (const error of [
      new ModelBadRequestError(),
      new ModelAuthenticationError(),
      new ModelNotFoundError(),
      new ModelQuotaExceededError(),
    ]) {
      expect(retryBudget(error, undefined)).toBe(0);
    }
  });

  it('x-should-retry: true makes any error retryable (class budget, else 2); false makes none', () => {
    expect(retryBudget(new ModelBadRequestError(), true)).toBe(2);
    expect(retryBudget(new ModelRateLimitError(), true)).toBe(3);
    expect(retryBudget(new ModelRateLimitError(), false)).toBe(0);
    expect(retryBudget(new ModelInternalServerError(), false)).toBe(0);
  });

  it('parses x-should-retry strictly', () => {
    expect(parseShouldRetry('true')).toBe(true);
    expect(parseShouldRetry(' FALSE ')).toBe(false);
    expect(parseShouldRetry('yes')).toBeUndefined();
    expect(parseShouldRetry(undefined)).toBeUndefined();
  });
});
