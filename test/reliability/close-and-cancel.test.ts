// close() and the caller's AbortSignal, both engines × three providers, on real sockets against
// the fake provider (docs/engine-rules.md, "Close and cancellation"):
// - close() ends calls in flight, calls queued for a slot and calls sleeping before a retry at
//   once, each with the closed ConfigError naming its alias, and nothing is sent afterwards;
// - a cancelled call rejects with the signal's own reason, wherever it was, is not retried and
//   is not counted as a failed request.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import type { FaultRuleInput } from '../../src/testing/fake-provider/fault-script.ts';
import { ENGINES, MODELS, PROVIDERS } from './support/engine-provider-matrix.ts';

const ALIAS = 'closing-model';
/** Far beyond "promptly": a call that waits out its 60 s deadline or a 30 s backoff misses it. */
const PROMPT_MS = 3_000;
/** The provider answers nothing for this long: only close() or an abort can end the call sooner. */
const HANG = { kind: 'delay', ms: 15_000 } as const;
/** A 503 whose hint (30 s, within the 60 s cap) both engines sleep before retrying. */
const RETRY_IN_30S = { kind: 'status', status: 503, retryAfter: '30' } as const;

let provider: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await provider?.close();
  registry = undefined;
  provider = undefined;
});

async function setUp(engine: EngineName, type: ProviderType, faults: FaultRuleInput[]): Promise<ModelRegistry> {
  provider = await startFakeProvider({ script: faults });
  registry = createModelRegistry(
    {
      providers: [
        { name: `fake-${type}`, endpoint: provider.endpoints[type], providerType: type, apiKey: 'test-key-close', region: 'us-east-1' },
      ],
      // One slot: a second call waits for it (legacy limiter, v2 admission).
      models: [{ alias: ALIAS, model: MODELS[type], provider: `fake-${type}`, inferenceParameters: { maxParallelRequests: 1 } }],
    },
    { engine, env: {}, logger: silentLogger },
  );
  return registry;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Settles `call` and reports how long after `since` it did; never throws. */
async function settle(call: Promise<unknown>, since: () => number): Promise<{ error: unknown; ok: boolean; afterMs: number }> {
  try {
    await call;
    return { ok: true, error: undefined, afterMs: Date.now() - since() };
  } catch (error) {
    return { ok: false, error, afterMs: Date.now() - since() };
  }
}

function chat(model: ModelRegistry, signal?: AbortSignal): Promise<unknown> {
  return model.getModel(ALIAS).completion([{ role: 'user', content: 'Say hi.' }], { signal });
}

function expectClosedError(outcome: { error: unknown; ok: boolean; afterMs: number }, label: string): void {
  expect(outcome.ok, `${label}: settled without an error`).toBe(false);
  expect(outcome.error, `${label}: ${String(outcome.error)}`).toBeInstanceOf(ConfigError);
  const error = outcome.error as ConfigError;
  expect(error.message).toContain(`'${ALIAS}'`);
  expect(error.message).toMatch(/closed/);
  expect(error.modelAlias).toBe(ALIAS);
  expect(error.retryable).toBe(false);
  expect(outcome.afterMs, `${label}: settled ${outcome.afterMs} ms after close()`).toBeLessThan(PROMPT_MS);
}

describe.each(ENGINES)('%s engine', (engine) => {
  describe.each(PROVIDERS)('%s provider', (type) => {
    it('close() ends a call in flight and a call queued behind it at once, with the closed ConfigError', async () => {
      const model = await setUp(engine, type, [{ fault: HANG }]);
      let closedAt = 0;
      const inFlight = settle(chat(model), () => closedAt);
      await until(() => provider!.stats().requests === 1, 'the first request');
      const queued = settle(chat(model), () => closedAt);
      await new Promise((resolve) => setTimeout(resolve, 50));
      closedAt = Date.now();
      await model.close();
      const closeMs = Date.now() - closedAt;
      expect(closeMs, `close() took ${closeMs} ms`).toBeLessThan(PROMPT_MS);
      expectClosedError(await inFlight, 'call in flight');
      expectClosedError(await queued, 'queued call');
      // The queued call never reached the provider, before or after close().
      expect(provider!.stats().requests).toBe(1);
    });

    it('close() cuts a backoff sleep short: the call ends at once and is never retried', async () => {
      const model = await setUp(engine, type, [{ on: [1], fault: RETRY_IN_30S }]);
      let closedAt = 0;
      const sleeping = settle(chat(model), () => closedAt);
      await until(() => provider!.stats().byStatus['503'] === 1, 'the 503');
      await new Promise((resolve) => setTimeout(resolve, 50));
      closedAt = Date.now();
      await model.close();
      expectClosedError(await sleeping, 'call in backoff');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(provider!.stats().requests).toBe(1);
    });

    it('a call made on a client after close() gets the closed ConfigError without a request', async () => {
      const model = await setUp(engine, type, []);
      const client = await model.getClient(ALIAS);
      await model.close();
      const closedAt = Date.now();
      expectClosedError(
        await settle(client.chat({ model: MODELS[type], messages: [{ role: 'user', content: 'hi' }] }), () => closedAt),
        'call after close',
      );
      expectClosedError(await settle(model.getClient(ALIAS), () => closedAt), 'registry after close');
      expect(provider!.stats().requests).toBe(0);
    });

    const REASONS: [string, () => unknown][] = [
      ['abort() with no reason (a DOMException AbortError)', () => undefined],
      ['abort(error)', () => new Error('caller gave up')],
      ['abort("a string")', () => 'stop now'],
    ];
    for (const [label, reasonOf] of REASONS) {
      it(`cancelling with ${label} rejects with the signal's own reason: in flight, queued and in backoff`, async () => {
        const model = await setUp(engine, type, [
          { on: [1], fault: HANG },
          { on: [2], fault: RETRY_IN_30S },
        ]);
        const cancel = (controller: AbortController): void => {
          const reason = reasonOf();
          if (reason === undefined) controller.abort();
          else controller.abort(reason);
        };
        let abortedAt = 0;
        // In flight, with a second call queued behind it; the queued call is cancelled first.
        const first = new AbortController();
        const second = new AbortController();
        const inFlight = settle(chat(model, first.signal), () => abortedAt);
        await until(() => provider!.stats().requests === 1, 'the first request');
        const queued = settle(chat(model, second.signal), () => abortedAt);
        await new Promise((resolve) => setTimeout(resolve, 50));
        abortedAt = Date.now();
        cancel(second);
        const queuedOutcome = await queued;
        expect(queuedOutcome.error).toBe(second.signal.reason);
        expect(queuedOutcome.afterMs).toBeLessThan(PROMPT_MS);
        abortedAt = Date.now();
        cancel(first);
        const inFlightOutcome = await inFlight;
        expect(inFlightOutcome.error).toBe(first.signal.reason);
        expect(inFlightOutcome.afterMs).toBeLessThan(PROMPT_MS);
        if (reasonOf() === undefined) expect((inFlightOutcome.error as Error).name).toBe('AbortError');
        expect(provider!.stats().requests).toBe(1);

        // In backoff: the second request gets a 503 with a 30 s hint.
        const third = new AbortController();
        const sleeping = settle(chat(model, third.signal), () => abortedAt);
        await until(() => provider!.stats().byStatus['503'] === 1, 'the 503');
        await new Promise((resolve) => setTimeout(resolve, 50));
        abortedAt = Date.now();
        cancel(third);
        const sleepingOutcome = await sleeping;
        expect(sleepingOutcome.error).toBe(third.signal.reason);
        expect(sleepingOutcome.afterMs).toBeLessThan(PROMPT_MS);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(provider!.stats().requests).toBe(2);
        // Cancellations are not failed requests; the client still works after them.
        expect(model.getModel(ALIAS).usage.snapshot().requests).toMatchObject({ successful: 0, failed: 0 });
        await expect(chat(model)).resolves.toBeDefined();
        expect(model.getModel(ALIAS).usage.snapshot().requests).toMatchObject({ successful: 1, failed: 0 });
      });
    }
  });
});
