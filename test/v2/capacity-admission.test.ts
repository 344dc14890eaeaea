// The default v2 admission policy, rule by rule, with an injected clock: sleeps are recorded and
// move the clock, nothing waits for real (docs/engine-rules.md "Admission").
import { describe, expect, it } from 'vitest';
import { ModelRequestAdmissionTimeoutError, ModelTimeoutError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/logger.ts';

import { CapacityAdmission, PROBE_INTERVAL_MAX_MS, PROBE_INTERVAL_MIN_MS } from '../../src/models-v2/admission/capacity-admission.ts';
import { PROBE_PAYBACK_MIN_MS } from '../../src/models-v2/admission/limits/capacity-limit.ts';
import { headerLookup } from '../../src/models-v2/transport/header-lookup.ts';
import { PACING_MARGIN, RateBucketMirror } from '../../src/models-v2/admission/pacing/rate-bucket-mirror.ts';

/** A wait of `ms` at the believed refill, as pacing (erring slow by PACING_MARGIN) asks for it. */
const paced = (ms: number) => Math.ceil(ms / PACING_MARGIN);
import { parseGoDurationMs, readRateLimitHeaders } from '../../src/models-v2/admission/pacing/rate-limit-headers.ts';
import { recordingRuntime } from './factory-args.ts';

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: () => {}, warn: () => {}, info: (m) => lines.push(m) };
}

function admission(cap: number, extra: { queueTimeoutMs?: number } = {}) {
  const logger = capturingLogger();
  const throttle = new CapacityAdmission(cap, { provider: 'prov', model: 'gpt-x', aliases: ['fast', 'slow'], logger, ...extra });
  const runtime = recordingRuntime();
  const chat = () => throttle.snapshot(runtime.now()).find((d) => d.domain === 'chat')!;
  const take = (n: number) => Promise.all(Array.from({ length: n }, () => throttle.acquire('chat', runtime)));
  return { throttle, runtime, logger, chat, take };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('capacity admission: concurrency', () => {
  it('an isolated 429 is noise: the limit stays and nothing else waits', async () => {
    const { throttle, runtime, chat, take } = admission(8);
    const permits = await take(8);
    permits[0].release({ kind: 'rate_limited', retryAfterMs: 1000 });
    for (const permit of permits.slice(1)) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(8);
    (await throttle.acquire('chat', runtime)).release({ kind: 'success' });
    expect(runtime.sleeps).toEqual([]);
  });

  it('crowding 429s drop the limit to what the provider was serving: the attempts admitted before the refused one', async () => {
    const { chat, take, logger } = admission(16);
    const permits = await take(16);
    // The provider serves 6 at once: attempts 7..16 come back 429 while 1..6 are still running.
    for (const permit of permits.slice(6)) permit.release({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(chat().limit).toBe(6);
    expect(chat().ceiling).toBe(16);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/gpt-x on prov \(fast, slow\), chat: limit 16 → 6 \(4 of the last 16 attempts got 429/);
  });

  it('429s of attempts admitted before a change are old news and do not lower the limit again', async () => {
    const { chat, take } = admission(16);
    const permits = await take(16);
    for (const permit of permits.slice(12)) permit.release({ kind: 'rate_limited' });
    expect(chat().limit).toBe(12);
    for (const permit of permits.slice(8, 12)) permit.release({ kind: 'rate_limited' });
    expect(chat().limit).toBe(12);
  });

  it('probes upward after a full round of successes with callers waiting; a refused probe steps back and waits longer', async () => {
    const { throttle, runtime, chat, take } = admission(32);
    const first = await take(32);
    for (const permit of first.slice(4)) permit.release({ kind: 'rate_limited' });
    // The crowding rule settled where the provider serves: the four still running.
    expect(chat().limit).toBe(4);
    for (const permit of first.slice(0, 4)) permit.release({ kind: 'success' });

    // A caller is always waiting, so a round of 4 successes at 4 raises the limit by one...
    const round = async (n: number) => {
      const permits = await Promise.all(Array.from({ length: n }, () => throttle.acquire('chat', runtime)));
      const waiting = throttle.acquire('chat', runtime);
      return { permits, waiting };
    };
    let { permits, waiting } = await round(4);
    // ...but not before the probe interval has passed since the drop.
    for (const permit of permits) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(4);
    (await waiting).release({ kind: 'success' });

    await runtime.sleep(PROBE_INTERVAL_MIN_MS);
    ({ permits, waiting } = await round(4));
    for (const permit of permits) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(5);
    const probe = [await waiting, ...(await Promise.all([1, 2, 3].map(() => throttle.acquire('chat', runtime))))];
    // One 429 while probing is not enough: noise hits probes too.
    (await throttle.acquire('chat', runtime)).release({ kind: 'rate_limited' });
    expect(chat().limit).toBe(5);
    // The provider refuses every attempt in the fifth slot: a crowd. Back to the four it served,
    // and the next probe waits twice as long.
    for (let i = 0; i < 3; i += 1) (await throttle.acquire('chat', runtime)).release({ kind: 'rate_limited' });
    expect(chat().limit).toBe(4);
    expect(chat().lastChange?.reason).toBe('probe refused: 4 of the last 8 attempts got 429 without an empty rate bucket');
    for (const permit of probe.slice(0, 4)) permit.release({ kind: 'success' });

    ({ permits, waiting } = await round(4));
    await runtime.sleep(PROBE_INTERVAL_MIN_MS);
    for (const permit of permits) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(4);
    (await waiting).release({ kind: 'success' });
    await runtime.sleep(PROBE_INTERVAL_MIN_MS);
    ({ permits, waiting } = await round(4));
    for (const permit of permits) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(5);
    (await waiting).release({ kind: 'success' });
  });

  it('probes that keep succeeding double their step, so a provider that grew is found in a few rounds', async () => {
    const { throttle, runtime, chat, take } = admission(64);
    const first = await take(64);
    for (const permit of first.slice(8)) permit.release({ kind: 'rate_limited' });
    for (const permit of first.slice(0, 8)) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(8);
    await runtime.sleep(PROBE_INTERVAL_MIN_MS);
    const limits: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const n = chat().limit;
      const permits = await Promise.all(Array.from({ length: n }, () => throttle.acquire('chat', runtime)));
      const waiting = throttle.acquire('chat', runtime);
      for (const permit of permits) permit.release({ kind: 'success' });
      limits.push(chat().limit);
      (await waiting).release({ kind: 'success' });
    }
    expect(limits).toEqual([9, 11, 15, 23, 39]);
  });

  it('does not probe when the backlog runs out before a refused attempt would be retried (its refusals would be the tail); a long backlog or calls still arriving keep probing', async () => {
    /** Learns the cap of 4 (50 ms calls, Retry-After 1 s), then runs `rounds` rounds of a job of `backlog` calls submitted at once. */
    async function job(backlog: number, arriving: 'nothing' | 'new calls' | 'retries') {
      const { throttle, runtime, chat, take } = admission(32);
      const first = await take(32);
      await runtime.sleep(50);
      for (const permit of first.slice(4)) permit.release({ kind: 'rate_limited', retryAfterMs: 1000 });
      for (const permit of first.slice(0, 4)) permit.release({ kind: 'success' });
      expect(chat().limit).toBe(4);
      const queued = Array.from({ length: backlog }, () => throttle.acquire('chat', runtime));
      let next = 0;
      for (let round = 0; round < 8; round += 1) {
        const running = await Promise.all(queued.slice(next, next + chat().limit));
        next += running.length;
        await runtime.sleep(50);
        if (arriving !== 'nothing') queued.push(throttle.acquire('chat', runtime, undefined, { retry: arriving === 'retries' }));
        for (const permit of running) permit.release({ kind: 'success' });
      }
      return chat().limit;
    }
    // 36 queued at 4 × 50 ms: gone in under half a second, sooner than the payback time (twice
    // the Retry-After, at least PROBE_PAYBACK_MIN_MS).
    expect(PROBE_PAYBACK_MIN_MS).toBeGreaterThan(500);
    expect(await job(40, 'nothing')).toBe(4);
    // 400 queued: 5 s of work left, the probe pays.
    expect(await job(400, 'nothing')).toBeGreaterThan(4);
    // New calls keep arriving (a closed loop of callers): the backlog never runs out.
    expect(await job(40, 'new calls')).toBeGreaterThan(4);
    // Retries re-entering the queue (the retry executor marks them) are not new demand.
    expect(await job(40, 'retries')).toBe(4);
  });

  it('does not raise a limit that demand never filled', async () => {
    const { throttle, runtime, chat } = admission(8);
    const permits = await Promise.all(Array.from({ length: 8 }, () => throttle.acquire('chat', runtime)));
    for (const permit of permits.slice(3)) permit.release({ kind: 'rate_limited' });
    for (const permit of permits.slice(0, 3)) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(3);
    await runtime.sleep(PROBE_INTERVAL_MAX_MS);
    for (let i = 0; i < 20; i += 1) (await throttle.acquire('chat', runtime)).release({ kind: 'success' });
    expect(chat().limit).toBe(3);
  });

  it('the smaller cap of two aliases governs', async () => {
    const { throttle, chat, take } = admission(10);
    await take(1).then(([permit]) => permit.release({ kind: 'success' }));
    throttle.clampCap(3);
    throttle.clampCap(7);
    expect(throttle.cap).toBe(3);
    expect(chat().limit).toBe(3);
  });
});

describe('capacity admission: queue', () => {
  it('admits in arrival order, one per freed slot', async () => {
    const { throttle, runtime, take } = admission(2);
    const held = await take(2);
    const order: number[] = [];
    const queued = [0, 1, 2].map((i) =>
      throttle.acquire('chat', runtime).then((permit) => {
        order.push(i);
        return permit;
      }),
    );
    await tick();
    expect(order).toEqual([]);
    held[1].release({ kind: 'success' });
    const first = await queued[0];
    expect(order).toEqual([0]);
    held[0].release({ kind: 'success' });
    first.release({ kind: 'success' });
    for (const permit of await Promise.all(queued.slice(1))) permit.release({ kind: 'success' });
    expect(order).toEqual([0, 1, 2]);
  });

  it('a cancelled waiter leaves the queue without taking a slot; the next one gets it', async () => {
    const { throttle, runtime, take, chat } = admission(1);
    const [held] = await take(1);
    const controller = new AbortController();
    const cancelled = throttle.acquire('chat', runtime, controller.signal);
    const next = throttle.acquire('chat', runtime);
    controller.abort(new Error('cancelled by caller'));
    await expect(cancelled).rejects.toThrow('cancelled by caller');
    expect(chat().queued).toBe(1);
    held.release({ kind: 'success' });
    (await next).release({ kind: 'success' });
    expect(chat().inFlight).toBe(0);
  });

  it('a queue deadline rejects with ModelRequestAdmissionTimeoutError (a timeout) naming the alias; the provider is never contacted', async () => {
    const { throttle, runtime, take, chat } = admission(1, { queueTimeoutMs: 20 });
    await take(1);
    const error = await throttle.acquire('chat', runtime, undefined, { modelAlias: 'slow' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRequestAdmissionTimeoutError);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as Error).message).toMatch(/model 'slow' on provider 'prov' waited 0.02 s for admission .* was not sent/);
    expect((error as ModelRequestAdmissionTimeoutError).retryable).toBe(false);
    expect(chat().queued).toBe(0);
  });
});

describe('capacity admission: pacing from rate-limit headers', () => {
  const openaiHeaders = (limit: number, remaining: number, reset: string) =>
    readRateLimitHeaders(
      headerLookup({
        'x-ratelimit-limit-requests': String(limit),
        'x-ratelimit-remaining-requests': String(remaining),
        'x-ratelimit-reset-requests': reset,
      }),
      0,
    );

  it('reading the headers asks only for the limit of a bucket the response does not report (issue 27: per-call CPU)', () => {
    // A response with no rate-limit headers at all (Bedrock-like, most OpenAI-compatible servers).
    const asked: string[] = [];
    expect(readRateLimitHeaders((name) => (asked.push(name), undefined), 0)).toBeUndefined();
    expect(asked).toEqual([
      'x-ratelimit-limit-requests',
      'anthropic-ratelimit-requests-limit',
      'x-ratelimit-limit-tokens',
      'anthropic-ratelimit-tokens-limit',
      'anthropic-ratelimit-input-tokens-limit',
    ]);
    // An OpenAI response: both buckets read in full, no Anthropic name asked.
    asked.length = 0;
    const openai: Record<string, string> = {
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '990',
      'x-ratelimit-reset-tokens': '600ms',
    };
    const reading = readRateLimitHeaders((name) => (asked.push(name), openai[name]), 0);
    expect(reading).toEqual({
      requests: { limit: 60, remaining: 59, resetMs: 1000, resetExact: true },
      tokens: { limit: 1000, remaining: 990, resetMs: 600, resetExact: true },
    });
    expect(asked.sort()).toEqual(Object.keys(openai).sort());
  });

  it('an empty request bucket paces the next attempt by the refill time, before any 429', async () => {
    const { throttle, runtime, chat } = admission(8);
    // 60 requests a minute, none left: one comes back every second.
    (await throttle.acquire('chat', runtime)).release({ kind: 'success', rateLimits: openaiHeaders(60, 0, '60s') });
    (await throttle.acquire('chat', runtime)).release({ kind: 'success', rateLimits: openaiHeaders(60, 0, '60s') });
    expect(runtime.sleeps).toEqual([paced(1000)]);
    expect(chat().requests).toEqual({ limit: 60, estimatedRemaining: 0, refillPerSecond: 1 });
  });

  it('attempts admitted after the reading count against it until the provider reports them', async () => {
    const { throttle, runtime } = admission(8);
    const first = await throttle.acquire('chat', runtime);
    const second = await throttle.acquire('chat', runtime);
    const third = await throttle.acquire('chat', runtime);
    // The first attempt's reading says 2 left; the two admitted after it will take them.
    first.release({ kind: 'success', rateLimits: openaiHeaders(60, 2, '58s') });
    (await throttle.acquire('chat', runtime)).release({ kind: 'success' });
    expect(runtime.sleeps).toEqual([paced(1000)]);
    second.release({ kind: 'success' });
    third.release({ kind: 'success' });
  });

  it('a 429 explained by an empty bucket leaves the concurrency limit alone', async () => {
    const { throttle, runtime, chat } = admission(8);
    const permits = await Promise.all(Array.from({ length: 8 }, () => throttle.acquire('chat', runtime)));
    for (const permit of permits) permit.release({ kind: 'rate_limited', retryAfterMs: 1000, rateLimits: openaiHeaders(600, 0, '6s') });
    expect(chat().limit).toBe(8);
  });

  it('a token bucket paces by the attempt’s estimated tokens', async () => {
    const { throttle, runtime } = admission(8);
    const tokens = readRateLimitHeaders(
      headerLookup({
        'anthropic-ratelimit-tokens-limit': '6000',
        'anthropic-ratelimit-tokens-remaining': '100',
        'anthropic-ratelimit-tokens-reset': '1970-01-01T00:01:00Z',
      }),
      0,
    );
    (await throttle.acquire('chat', runtime, undefined, { tokens: 100 })).release({ kind: 'success', rateLimits: tokens });
    // 100 tokens a second; 100 left when read, an attempt of 300 must wait for 200 more.
    (await throttle.acquire('chat', runtime, undefined, { tokens: 300 })).release({ kind: 'success' });
    expect(runtime.sleeps).toEqual([paced(2000)]);
  });

  it('a reset already past means a full bucket: no wait (a recorded 2024 reset replayed later)', async () => {
    const { throttle } = admission(8);
    const runtime = recordingRuntime(0.5, Date.parse('2026-01-01T00:00:00Z'));
    const stale = readRateLimitHeaders(
      headerLookup({
        'anthropic-ratelimit-requests-limit': '5',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': '2024-03-26T20:00:00Z',
      }),
      runtime.now(),
    );
    (await throttle.acquire('chat', runtime)).release({ kind: 'rate_limited', rateLimits: stale });
    (await throttle.acquire('chat', runtime)).release({ kind: 'success' });
    expect(runtime.sleeps).toEqual([]);
  });
});

describe('capacity admission: pacing timer', () => {
  // A clock that moves only when told, and sleeps that end only when released: the test sees
  // every timer admission starts, and whether it was stopped.
  function manualRuntime() {
    let now = 1_000_000;
    const sleeps: { ms: number; signal?: AbortSignal; done: () => void }[] = [];
    return {
      sleeps,
      advance: (ms: number) => void (now += ms),
      now: () => now,
      random: () => 0.5,
      sleep: (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => sleeps.push({ ms, signal, done: resolve })),
    };
  }
  const reading = (limit: number, remaining: number) =>
    readRateLimitHeaders(
      headerLookup({
        'x-ratelimit-limit-requests': String(limit),
        'x-ratelimit-remaining-requests': String(remaining),
        'x-ratelimit-reset-requests': '60s',
      }),
      0,
    );

  /** Two attempts in flight on a manual clock; their readings decide what the next one waits. */
  async function twoInFlight() {
    const throttle = new CapacityAdmission(8, { provider: 'p', model: 'm', aliases: ['a'], logger: capturingLogger() });
    const runtime = manualRuntime();
    const [first, second] = [await throttle.acquire('chat', runtime), await throttle.acquire('chat', runtime)];
    return { throttle, runtime, first, second };
  }

  it('a newer reading that shortens the wait brings the timer forward; the head is admitted without the old one', async () => {
    const { throttle, runtime, first, second } = await twoInFlight();
    // 60 a minute, none left, and the second attempt not yet counted in that reading: the next
    // attempt waits for two refills, two seconds.
    first.release({ kind: 'success', rateLimits: reading(60, 0) });
    const head = throttle.acquire('chat', runtime);
    await tick();
    expect(runtime.sleeps.map((s) => s.ms)).toEqual([paced(2000)]);
    // The second attempt's newer reading: 600 a minute, none left: one refill, a tenth of a second.
    second.release({ kind: 'success', rateLimits: reading(600, 0) });
    expect(runtime.sleeps.map((s) => s.ms)).toEqual([paced(2000), paced(100)]);
    expect(runtime.sleeps[0].signal?.aborted).toBe(true);
    runtime.advance(paced(100));
    runtime.sleeps[1].done();
    (await head).release({ kind: 'success' });
    expect(runtime.sleeps[1].signal?.aborted).toBe(false);
  });

  it('a head admitted because the wait fell to 0 leaves no timer behind', async () => {
    const { throttle, runtime, first, second } = await twoInFlight();
    first.release({ kind: 'success', rateLimits: reading(60, 0) });
    const head = throttle.acquire('chat', runtime);
    await tick();
    expect(runtime.sleeps).toHaveLength(1);
    // A later reading says there is room: the head goes now, and its pending timer is stopped.
    second.release({ kind: 'success', rateLimits: reading(60, 5) });
    (await head).release({ kind: 'success' });
    expect(runtime.sleeps[0].signal?.aborted).toBe(true);
  });
});

describe('capacity admission: a probe that held is over', () => {
  it('a crowd long after the last raise held is a plain crowd, not a refused probe', async () => {
    const { throttle, runtime, chat } = admission(10);
    const first = await Promise.all(Array.from({ length: 10 }, () => throttle.acquire('chat', runtime)));
    for (const permit of first.slice(6)) permit.release({ kind: 'rate_limited' });
    for (const permit of first.slice(0, 6)) permit.release({ kind: 'success' });
    expect(chat().limit).toBe(6);
    await runtime.sleep(PROBE_INTERVAL_MIN_MS);
    // Rounds with a caller always waiting: 6 → 7 → 9 → 10 (the cap); each raise holds a full round.
    for (let round = 0; round < 4; round += 1) {
      const n = chat().limit;
      const permits = await Promise.all(Array.from({ length: n }, () => throttle.acquire('chat', runtime)));
      const waiting = throttle.acquire('chat', runtime);
      for (const permit of permits) permit.release({ kind: 'success' });
      (await waiting).release({ kind: 'success' });
    }
    expect(chat().limit).toBe(10);
    // The provider now serves 4: the crowd takes the limit to what it served, not back to 9.
    const later = await Promise.all(Array.from({ length: 10 }, () => throttle.acquire('chat', runtime)));
    for (const permit of later.slice(4)) permit.release({ kind: 'rate_limited' });
    expect(chat().limit).toBe(4);
    expect(chat().lastChange?.reason).toMatch(/^\d+ of the last \d+ attempts got 429/);
  });
});

describe('rate bucket mirror: refill', () => {
  it('measures the refill from remaining counts two seconds apart, leaving out what the provider refused', () => {
    // Whole-second (Anthropic) resets give no exact rate: the first guess is per minute.
    const at = (atMs: number, seq: number, spentThrough: number) => ({ atMs, seq, spentThrough });
    const mirror = new RateBucketMirror({ limit: 6000, remaining: 1000, resetMs: 1000 }, at(0, 1, 100));
    expect(mirror.refillPerSecond).toBe(5000);
    // Attempts 2–5 cost 100 each; attempt 3 came back 429 for an empty bucket, so it was not spent.
    mirror.refused(3, 100);
    mirror.observe({ limit: 6000, remaining: 1100, resetMs: 1000 }, at(2000, 5, 500));
    // 1000 + rate × 2000 − 300 charged = 1100  →  rate = 0.2 per ms.
    expect(mirror.refillPerSecond).toBeCloseTo(200, 6);
    expect(mirror.waitMs(1300, 2000, 500)).toBe(paced(1000));
  });

  it('believes an exact (OpenAI) reset directly', () => {
    const mirror = new RateBucketMirror({ limit: 20, remaining: 0, resetMs: 1000, resetExact: true }, { atMs: 0, seq: 1, spentThrough: 1 });
    expect(mirror.refillPerSecond).toBe(20);
    expect(mirror.waitMs(1, 0, 1)).toBe(paced(50));
  });
});

describe('rate-limit headers', () => {
  it('reads Go-style durations as OpenAI sends them', () => {
    expect(parseGoDurationMs('12ms')).toBe(12);
    expect(parseGoDurationMs('1s')).toBe(1000);
    expect(parseGoDurationMs('6m0s')).toBe(360_000);
    expect(parseGoDurationMs('2m59.56s')).toBe(179_560);
    expect(parseGoDurationMs('1h2m')).toBe(3_720_000);
    expect(parseGoDurationMs('')).toBeUndefined();
    expect(parseGoDurationMs('soon')).toBeUndefined();
    expect(parseGoDurationMs('5')).toBeUndefined();
  });

  it('reads both OpenAI buckets', () => {
    const reading = readRateLimitHeaders(
      headerLookup({
        'x-ratelimit-limit-requests': '5000',
        'x-ratelimit-remaining-requests': '4999',
        'x-ratelimit-reset-requests': '12ms',
        'x-ratelimit-limit-tokens': '160000',
        'x-ratelimit-remaining-tokens': '159976',
        'x-ratelimit-reset-tokens': '9ms',
      }),
      0,
    );
    expect(reading).toEqual({
      requests: { limit: 5000, remaining: 4999, resetMs: 12, resetExact: true },
      tokens: { limit: 160000, remaining: 159976, resetMs: 9, resetExact: true },
    });
  });

  it('measures an Anthropic reset against the response date when our clock is far off', () => {
    const header = headerLookup({
      'anthropic-ratelimit-requests-limit': '5',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2024-03-26T20:00:00Z',
      date: 'Tue, 26 Mar 2024 19:59:59 GMT',
    });
    expect(readRateLimitHeaders(header, Date.parse('2026-01-01T00:00:00Z'))?.requests?.resetMs).toBe(1000);
    expect(readRateLimitHeaders(header, Date.parse('2024-03-26T19:59:58Z'))?.requests?.resetMs).toBe(2000);
  });

  it('ignores what is not a bucket: Azure’s -1, remaining above limit, garbage', () => {
    expect(
      readRateLimitHeaders(headerLookup({ 'x-ratelimit-limit-tokens': '-1', 'x-ratelimit-remaining-tokens': '-1' }), 0),
    ).toBeUndefined();
    expect(
      readRateLimitHeaders(headerLookup({ 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '9' }), 0),
    ).toBeUndefined();
    expect(
      readRateLimitHeaders(headerLookup({ 'x-ratelimit-limit-requests': '1e3', 'x-ratelimit-remaining-requests': '5' }), 0),
    ).toBeUndefined();
    expect(readRateLimitHeaders(headerLookup({}), 0)).toBeUndefined();
  });
});
