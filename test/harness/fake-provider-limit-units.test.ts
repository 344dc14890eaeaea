// The fake provider's limit arithmetic with hand-driven times: the token bucket, the schedule and
// the wire formats of rate-limit times (Go durations, RFC 3339).
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, scheduleSchema } from '../../src/testing/fake-provider/limit-settings.ts';
import { ProviderLimits } from '../../src/testing/fake-provider/provider-limits.ts';
import { goDuration, retryAfterSeconds, rfc3339Seconds } from '../../src/testing/fake-provider/rate-limit-format.ts';
import { TokenBucket } from '../../src/testing/fake-provider/token-bucket.ts';

describe('token bucket', () => {
  it('starts full, spends all-or-nothing and refills continuously at its rate', () => {
    const bucket = new TokenBucket({ perMinute: 600, size: 3 }, 0); // 10 per second
    expect(bucket.take(2, 0)).toBe(true);
    expect(bucket.take(2, 0)).toBe(false);
    expect(bucket.level(0)).toBe(1);
    expect(bucket.waitFor(2, 0)).toBeCloseTo(100);
    expect(bucket.level(50)).toBeCloseTo(1.5);
    expect(bucket.take(2, 100)).toBe(true);
    expect(bucket.untilFull(100)).toBeCloseTo(300);
    expect(bucket.level(10_000)).toBe(3); // never above its size
    expect(bucket.waitFor(4, 10_000)).toBe(Number.POSITIVE_INFINITY); // bigger than the bucket: never
  });

  it('reshapes without gifting: refill so far at the old rate, level clamped to a smaller size', () => {
    const bucket = new TokenBucket({ perMinute: 60, size: 10 }, 0);
    bucket.take(10, 0);
    bucket.reshape({ perMinute: 6000, size: 20 }, 1000); // 1 unit refilled at the old rate
    expect(bucket.level(1000)).toBeCloseTo(1);
    expect(bucket.level(1100)).toBeCloseTo(11); // 100 per second from now on
    bucket.reshape({ perMinute: 60, size: 5 }, 1100);
    expect(bucket.level(1100)).toBe(5);
  });
});

describe('provider limits', () => {
  it('applies schedule steps at their second, counted from the origin and again after a reset', () => {
    const schedule = scheduleSchema.parse([
      { atSeconds: 2, capacity: 32 },
      { atSeconds: 1, capacity: 8, requestsPerMinute: 60 },
    ]);
    const limits = new ProviderLimits({ ...NO_LIMITS, capacity: 16 }, schedule, 1, 5000);
    expect(limits.settings.capacity).toBe(16);
    limits.sync(5999);
    expect(limits.overCapacity(17)).toBe(true);
    limits.sync(6000);
    expect(limits.settings).toMatchObject({ capacity: 8, requestsPerMinute: 60 });
    expect(limits.requestView(6000)).toEqual({ limit: 60, remaining: 60, resetMs: 0 });
    limits.sync(7500);
    expect(limits.settings.capacity).toBe(32);
    expect(limits.applied).toEqual([
      { atSeconds: 1, appliedAtMs: 1000 },
      { atSeconds: 2, appliedAtMs: 2500 },
    ]);
    limits.reset(10_000);
    expect(limits.settings).toMatchObject({ capacity: 16, requestsPerMinute: null });
    expect(limits.applied).toEqual([]);
  });

  it('admits a request only when both buckets have room, and takes from neither otherwise', () => {
    const limits = new ProviderLimits(
      { ...NO_LIMITS, requestsPerMinute: 60, requestBurst: 5, tokensPerMinute: 600, tokenBurst: 100 },
      [],
      1,
      0,
    );
    expect(limits.admit(80, 0)).toEqual({ ok: true });
    const refused = limits.admit(80, 0);
    expect(refused).toMatchObject({ ok: false, reason: 'tokenRate', used: 80, requested: 80, limitPerMinute: 600 });
    expect((refused as { waitMs: number }).waitMs).toBeCloseTo(6000); // 60 tokens at 10 per second
    expect(limits.requestView(0)?.remaining).toBe(4); // the refused request took no request unit
    expect(limits.admit(101, 0)).toMatchObject({ ok: false, reason: 'tokenRate', waitMs: Number.POSITIVE_INFINITY });
  });

  it('draws noise from its own seeded stream', () => {
    const draws = (seed: number): (number | undefined)[] => {
      const limits = new ProviderLimits({ ...NO_LIMITS, noiseRate: 0.3 }, [], seed, 0);
      return Array.from({ length: 50 }, () => limits.noise([429, 529]));
    };
    expect(draws(4)).toEqual(draws(4));
    expect(draws(4)).not.toEqual(draws(5));
    expect(draws(4)).toContain(429);
    expect(draws(4)).toContain(529);
  });
});

describe('rate-limit time formats', () => {
  it('writes Go durations as OpenAI sends them', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(19.2)).toBe('20ms');
    expect(goDuration(1000)).toBe('1s');
    expect(goDuration(1574)).toBe('1.574s');
    expect(goDuration(1500)).toBe('1.5s');
    expect(goDuration(360_000)).toBe('6m0s');
    expect(goDuration(3_723_000)).toBe('1h2m3s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
  });

  it('writes RFC 3339 instants in whole seconds, rounded up, and retry-after in whole seconds ≥ 1', () => {
    expect(rfc3339Seconds(Date.UTC(2024, 2, 26, 19, 59, 59, 1))).toBe('2024-03-26T20:00:00Z');
    expect(rfc3339Seconds(Date.UTC(2024, 2, 26, 20, 0, 0, 0))).toBe('2024-03-26T20:00:00Z');
    expect(retryAfterSeconds(50)).toBe('1');
    expect(retryAfterSeconds(1001)).toBe('2');
  });
});
