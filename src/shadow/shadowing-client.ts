// The client the registry hands out when shadow mode is on: the primary engine's client, with
// sampled calls run inside a wire capture. The caller gets the primary's own result or error,
// unchanged; on the turn after it settles the capture is redacted and queued for the shadow run.
import type { AttemptObserver, CallOptions, ModelClient, Runtime } from '../core/model-client.ts';
import { resolveRuntime } from '../core/model-client.ts';
import { runOutsideCapture, runWithCapture, type WireCapture } from '../core/wire-capture.ts';
import type { ChatRequest, EmbeddingRequest } from '../core/types.ts';
import type { CapturedCall } from './captured-call.ts';
import type { QueuePlace } from './shadow-queue.ts';

export interface SampledCallRecord {
  capture: WireCapture;
  draws: number[];
  sleeps: number[];
  startedAt: number;
}

/** How the primary call settled. */
export type Settled = { ok: true; response: unknown } | { ok: false; error: unknown };

/**
 * What the client needs of shadow mode, for one target (ShadowController implements it). Declared
 * here, beside its one user, so the controller imports the client and never the other way round.
 */
export interface ShadowHooks<Target> {
  sample(target: Target): QueuePlace | undefined;
  snapshotRequest(request: ChatRequest | EmbeddingRequest): ChatRequest | EmbeddingRequest;
  snapshotResult(result: unknown): unknown;
  settled(
    target: Target,
    place: QueuePlace,
    operation: CapturedCall['operation'],
    request: ChatRequest | EmbeddingRequest,
    options: CallOptions | undefined,
    record: SampledCallRecord,
    result: Settled,
  ): void;
  abandoned(target: Target, place: QueuePlace, error: unknown): void;
}

const NO_ATTEMPT: AttemptObserver = { attemptEnded() {} };

/**
 * Call options that record the jitter draws (through the runtime) and the backoff sleeps the
 * engine asked for (through the call observer: admission's pacing waits are not retries and are
 * not compared), passing everything on to the caller's own runtime and observer.
 */
function recordingOptions(options: CallOptions | undefined, base: Partial<Runtime> | undefined, record: SampledCallRecord): CallOptions {
  const runtime = resolveRuntime(base, options?.runtime);
  const inner = options?.observer;
  return {
    ...options,
    runtime: {
      ...options?.runtime,
      random: () => {
        const value = runtime.random();
        record.draws.push(value);
        return value;
      },
    },
    observer: {
      attemptStarted: (start) => (inner ? inner.attemptStarted(start) : NO_ATTEMPT),
      retryScheduled: (delayMs) => {
        record.sleeps.push(delayMs);
        inner?.retryScheduled?.(delayMs);
      },
    },
  };
}

/**
 * Runs shadow mode's bookkeeping of a settled call on the turn after the caller got its result,
 * so the caller never waits for it (docs/shadow-mode.md: the capture is redacted then, before it
 * is queued; it is held by nothing else meanwhile).
 */
function later(fn: () => void): void {
  runOutsideCapture(() => setImmediate(fn));
}

export function shadowingClient<Target extends { runtime?: Partial<Runtime> }>(
  inner: ModelClient,
  target: Target,
  controller: ShadowHooks<Target>,
): ModelClient {
  /** Hands the settled call to shadow mode; nothing shadow mode does can reach the caller. */
  function offer(...args: Parameters<ShadowHooks<Target>['settled']> extends [unknown, ...infer Rest] ? Rest : never): void {
    try {
      controller.settled(target, ...args);
    } catch {
      // Shadow mode's own failure (a host logger that throws, say): the primary's outcome stands.
    }
  }

  async function sampled<R>(
    place: QueuePlace,
    operation: CapturedCall['operation'],
    request: ChatRequest | EmbeddingRequest,
    options: CallOptions | undefined,
    call: (options: CallOptions) => Promise<R>,
  ): Promise<R> {
    let record: SampledCallRecord;
    let canonical: ChatRequest | EmbeddingRequest;
    try {
      record = { capture: { attempts: [] }, draws: [], sleeps: [], startedAt: resolveRuntime(target.runtime, options?.runtime).now() };
      canonical = controller.snapshotRequest(request);
    } catch (error) {
      // The caller's own runtime threw: the call is made, unshadowed (counted as failed), and reports whatever it reports.
      try {
        controller.abandoned(target, place, error);
      } catch {
        // shadow bookkeeping never reaches the caller
      }
      return call(options ?? {});
    }
    let result: R;
    try {
      result = await runWithCapture(record.capture, () => call(recordingOptions(options, target.runtime, record)));
    } catch (error) {
      later(() => offer(place, operation, canonical, options, record, { ok: false, error }));
      throw error;
    }
    // Copied now (the caller may change its result), redacted and queued on the next turn.
    const response = controller.snapshotResult(result);
    later(() => offer(place, operation, canonical, options, record, { ok: true, response }));
    return result;
  }

  return {
    engine: inner.engine,
    providerType: inner.providerType,
    providerName: inner.providerName,
    modelAlias: inner.modelAlias,
    chat(request, options) {
      const place = controller.sample(target);
      if (!place) return inner.chat(request, options);
      return sampled(place, 'chat', request, options, (o) => inner.chat(request, o));
    },
    embed(request, options) {
      const place = controller.sample(target);
      if (!place) return inner.embed(request, options);
      return sampled(place, 'embedding', request, options, (o) => inner.embed(request, o));
    },
    close: () => inner.close(),
    ...(inner.admissionSnapshot ? { admissionSnapshot: () => inner.admissionSnapshot!() } : {}),
  };
}
