// The retry executor and the policy numbers, without any SDK: attempts are plain functions.
import { describe, expect, it } from 'vitest';
import {
  ModelAPIConnectionError,
  ModelAuthenticationError,
  ModelBadRequestError,
  ModelInternalServerError,
  ModelQuotaExceededError,
  ModelRateLimitError,
  ModelTimeoutError,
  type DataDesignerError,
} from '../../src/core/errors.ts';
import { type AdmissionPermit, unlimitedAdmission } from '../../src/models-v2/admission/admission.ts';
import { AimdAdmission } from '../../src/models-v2/admission/aimd-admission.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { headerLookup } from '../../src/models-v2/transport/header-lookup.ts';
import { executeWithRetries } from '../../src/models-v2/retry/retry-executor.ts';
import { parseRetryHintMs, parseShouldRetry } from '../../src/models-v2/retry/retry-hints.ts';
import { retryDelayMs } from '../../src/models-v2/retry/retry-policy.ts';
import { recordingRuntime } from './factory-args.ts';

function failing(errors: DataDesignerError[], result = 'ok'): { attempt: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    attempt: async () => {
      const error = errors[calls];
      calls += 1;
      if (error) throw error;
      return result;
    },
    calls: () => calls,
  };
}

async function runAll(errors: DataDesignerError[], random = 0.5) {
  const runtime = recordingRuntime(random);
  const script = failing(errors);
  const outcome = await executeWithRetries(script.attempt, { runtime, admission: unlimitedAdmission, domain: 'chat' }).catch(
    (e: unknown) => e,
  );
  return { outcome, attempts: script.calls(), sleeps: runtime.sleeps };
}

const rate = (retryAfterMs?: number) => new ModelRateLimitError({ retryAfterMs });
const server = () => new ModelInternalServerError({ status: 500 });

describe('retry budgets', () => {
  it.each([
    ['rate limit', () => new ModelRateLimitError(), 4],
    ['timeout', () => new ModelTimeoutError(), 4],
    ['internal server', () => new ModelInternalServerError(), 3],
    ['connection', () => new ModelAPIConnectionError(), 3],
    ['bad request', () => new ModelBadRequestError(), 1],
    ['authentication', () => new ModelAuthenticationError(), 1],
    ['quota', () => new ModelQuotaExceededError(), 1],
  ])('%s: %i attempts in total when it keeps failing', async (_name, make, attempts) => {
    const result = await runAll(Array.from({ length: 10 }, make));
    expect(result.attempts).toBe(attempts);
    expect(result.sleeps).toHaveLength(attempts - 1);
  });

  it('x-should-retry: true gives a bad request the forced budget of 2', async () => {
    const forced = () => new ModelBadRequestError({ status: 400, retryable: true });
    expect((await runAll([forced(), forced(), forced(), forced()])).attempts).toBe(3);
  });

  it('x-should-retry: false stops even a rate limit', async () => {
    const result = await runAll([new ModelRateLimitError({ retryable: false })]);
    expect(result.attempts).toBe(1);
    expect(result.outcome).toBeInstanceOf(ModelRateLimitError);
  });

  it('counts retries against the class of the latest error', async () => {
    // 429, 429, then 500: two retries made, the 500's budget is 2, so no third retry.
    const result = await runAll([rate(), rate(), server(), rate()]);
    expect(result.attempts).toBe(3);
    expect(result.outcome).toBeInstanceOf(ModelInternalServerError);
  });

  it('recovers and returns the result', async () => {
    const result = await runAll([rate(), server()]);
    expect(result.outcome).toBe('ok');
    expect(result.attempts).toBe(3);
  });

  it('rethrows a non-model error at once', async () => {
    const runtime = recordingRuntime();
    const bug = new TypeError('bug');
    let calls = 0;
    await expect(
      executeWithRetries(
        async () => {
          calls += 1;
          throw bug;
        },
        { runtime, admission: unlimitedAdmission, domain: 'chat' },
      ),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });
});

describe('backoff', () => {
  it('sleeps 2 s × 2^k × (0.8 + 0.4·random)', async () => {
    expect((await runAll([rate(), rate(), rate()], 0)).sleeps).toEqual([1600, 3200, 6400]);
    expect((await runAll([rate(), rate(), rate()], 0.5)).sleeps).toEqual([2000, 4000, 8000]);
    expect(retryDelayMs(1, 0.999, undefined)).toBeCloseTo(4000 * 1.1996);
  });

  it('uses a hint in (0, 60 s] and backoff otherwise', async () => {
    expect((await runAll([rate(1500), rate(60_000), rate(60_001), rate(0)])).sleeps).toEqual([1500, 60_000, 8000]);
    expect(retryDelayMs(0, 0.5, 0)).toBe(2000);
  });

  it('draws random once per retry even when a hint wins', async () => {
    const runtime = recordingRuntime();
    let draws = 0;
    const counted = { ...runtime, random: () => (draws++, 0.5) };
    const script = failing([rate(1000), rate(), rate(500)]);
    await executeWithRetries(script.attempt, { runtime: counted, admission: unlimitedAdmission, domain: 'chat' });
    expect(draws).toBe(3);
    expect(runtime.sleeps).toEqual([1000, 4000, 500]);
  });

  it('the caller signal cancels a backoff sleep with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const runtime = {
      ...recordingRuntime(),
      sleep: (_ms: number, signal?: AbortSignal) =>
        new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    };
    const pending = executeWithRetries(failing([rate()]).attempt, {
      runtime,
      admission: unlimitedAdmission,
      domain: 'chat',
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('retry hints', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const hint = (headers: Record<string, string>) => parseRetryHintMs(headerLookup(headers), now);

  it('prefers retry-after-ms, even "0"', () => {
    expect(hint({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
    expect(hint({ 'Retry-After-Ms': '0', 'retry-after': '9' })).toBe(0);
  });

  it('reads retry-after as fractional seconds or an HTTP-date against the injected clock', () => {
    expect(hint({ 'retry-after': '0.1' })).toBe(100);
    expect(hint({ 'Retry-After': '3' })).toBe(3000);
    expect(hint({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' })).toBe(5000);
    expect(hint({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' })).toBe(0);
  });

  it('ignores garbage and missing headers', () => {
    expect(hint({})).toBeUndefined();
    expect(hint({ 'retry-after': 'soon' })).toBeUndefined();
    expect(hint({ 'retry-after-ms': 'x', 'retry-after': '2' })).toBe(2000);
  });

  it('reads x-should-retry', () => {
    expect(parseShouldRetry(headerLookup({ 'x-should-retry': 'true' }))).toBe(true);
    expect(parseShouldRetry(headerLookup({ 'X-Should-Retry': 'false' }))).toBe(false);
    expect(parseShouldRetry(headerLookup({ 'x-should-retry': 'maybe' }))).toBeUndefined();
  });
});

const aimd = (cap: number) => new AimdAdmission(cap, { provider: 'p', model: 'm', aliases: ['a'], logger: silentLogger });

function domainOf(throttle: AimdAdmission, domain: 'chat' | 'embedding') {
  const entry = throttle.snapshot().find((d) => d.domain === domain);
  if (!entry) throw new Error(`no ${domain} state yet`);
  return entry;
}

describe('AIMD admission', () => {
  it('cuts the limit by 0.75 once per 429 cascade and cools down before the next attempt', async () => {
    const throttle = aimd(8);
    const runtime = recordingRuntime();
    const permits = await Promise.all([1, 2, 3].map(() => throttle.acquire('chat', runtime)));
    permits[0].release({ kind: 'rate_limited' });
    permits[1].release({ kind: 'rate_limited', retryAfterMs: 5000 });
    expect(domainOf(throttle, 'chat').limit).toBe(6);
    permits[2].release({ kind: 'failure' });
    const next = await throttle.acquire('chat', runtime);
    expect(runtime.sleeps).toEqual([5000]);
    next.release({ kind: 'rate_limited' });
    // The cascade ended when the burst drained (a failure with nothing in flight), so this cuts again.
    expect(domainOf(throttle, 'chat').limit).toBe(4);
    (await throttle.acquire('embedding', runtime)).release({ kind: 'success' });
    expect(domainOf(throttle, 'embedding').limit).toBe(8);
  });

  it('adds one slot after 25 straight successes, up to the cap', async () => {
    const throttle = aimd(4);
    const runtime = recordingRuntime();
    (await throttle.acquire('chat', runtime)).release({ kind: 'rate_limited' });
    expect(domainOf(throttle, 'chat').limit).toBe(3);
    for (let i = 0; i < 25; i += 1) (await throttle.acquire('chat', runtime)).release({ kind: 'success' });
    expect(domainOf(throttle, 'chat').limit).toBe(4);
    for (let i = 0; i < 50; i += 1) (await throttle.acquire('chat', runtime)).release({ kind: 'success' });
    expect(domainOf(throttle, 'chat').limit).toBe(4);
  });

  it('queues attempts beyond the limit until a permit is released', async () => {
    const throttle = aimd(1);
    const runtime = recordingRuntime();
    const first = await throttle.acquire('chat', runtime);
    let secondStarted = false;
    const second = throttle.acquire('chat', runtime).then((permit: AdmissionPermit) => {
      secondStarted = true;
      return permit;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondStarted).toBe(false);
    first.release({ kind: 'success' });
    (await second).release({ kind: 'success' });
    expect(secondStarted).toBe(true);
  });

  it('serves queued acquires in order, one per released slot', async () => {
    const throttle = aimd(2);
    const runtime = recordingRuntime();
    const held = [await throttle.acquire('chat', runtime), await throttle.acquire('chat', runtime)];
    const order: number[] = [];
    const queued = [0, 1, 2, 3].map((i) =>
      throttle.acquire('chat', runtime).then((permit: AdmissionPermit) => {
        order.push(i);
        return permit;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual([]);
    held[0].release({ kind: 'success' });
    held[1].release({ kind: 'success' });
    const [first, second] = await Promise.all(queued.slice(0, 2));
    expect(order).toEqual([0, 1]);
    expect(domainOf(throttle, 'chat').inFlight).toBe(2);
    first.release({ kind: 'success' });
    second.release({ kind: 'success' });
    for (const permit of await Promise.all(queued.slice(2))) permit.release({ kind: 'success' });
    expect(order).toEqual([0, 1, 2, 3]);
    expect(domainOf(throttle, 'chat').inFlight).toBe(0);
  });

  it('a waiting acquire is cancelled by the caller signal', async () => {
    const throttle = aimd(1);
    const runtime = recordingRuntime();
    await throttle.acquire('chat', runtime);
    const controller = new AbortController();
    const waiting = throttle.acquire('chat', runtime, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(domainOf(throttle, 'chat').inFlight).toBe(1);
  });

  // Both policies wait in one gate (admission-gate.ts): a released slot is handed to the head of
  // the queue at once, so there is no woken-but-not-yet-admitted waiter whose cancel could strand
  // the queue. A cancel before the hand-off passes the slot on; one after it lands on a caller that
  // already holds the permit, and its release passes the slot on.
  it('a cancelled waiter never strands the queue behind it', async () => {
    const throttle = aimd(1);
    const runtime = recordingRuntime();
    const held = await throttle.acquire('chat', runtime);
    const before = new AbortController();
    const cancelledBefore = throttle.acquire('chat', runtime, before.signal);
    const after = new AbortController();
    const cancelledAfter = throttle.acquire('chat', runtime, after.signal);
    const next = throttle.acquire('chat', runtime);
    await new Promise((resolve) => setTimeout(resolve, 5));
    before.abort(new Error('cancelled'));
    await expect(cancelledBefore).rejects.toThrow('cancelled');
    held.release({ kind: 'success' });
    after.abort(new Error('cancelled'));
    const handedOff = await cancelledAfter;
    expect(domainOf(throttle, 'chat')).toMatchObject({ inFlight: 1, queued: 1 });
    handedOff.release({ kind: 'failure' });
    const granted = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve('stuck'), 200))]);
    expect(granted).not.toBe('stuck');
    expect(domainOf(throttle, 'chat')).toMatchObject({ inFlight: 1, queued: 0 });
  });

  it('a waiter cancelled during the cooldown does not strand the queue behind it', async () => {
    const throttle = aimd(1);
    const clock = { now: 1_700_000_000_000 };
    const runtime = {
      now: () => clock.now,
      random: () => 0.5,
      // Real waiting, so the cancel lands while the head of the queue sits out the cooldown.
      sleep: (ms: number, signal?: AbortSignal) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            clock.now += ms;
            resolve();
          }, 20);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(signal.reason);
            },
            { once: true },
          );
        }),
    };
    const held = await throttle.acquire('chat', runtime);
    const controller = new AbortController();
    const cancelled = throttle.acquire('chat', runtime, controller.signal);
    const next = throttle.acquire('chat', runtime);
    await new Promise((resolve) => setTimeout(resolve, 5));
    held.release({ kind: 'rate_limited', retryAfterMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('cancelled'));
    await expect(cancelled).rejects.toThrow('cancelled');
    const granted = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve('stuck'), 300))]);
    expect(granted).not.toBe('stuck');
  });

  it('clamps the cap down when another alias registers a smaller one', async () => {
    const throttle = aimd(8);
    (await throttle.acquire('chat', recordingRuntime())).release({ kind: 'success' });
    throttle.clampCap(2);
    throttle.clampCap(5);
    expect(throttle.cap).toBe(2);
    expect(domainOf(throttle, 'chat').limit).toBe(2);
  });
});
