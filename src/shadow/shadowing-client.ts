// The client the registry hands out when shadow mode is on: the primary engine's client, with
// sampled calls run inside a wire capture. The caller gets the primary's own result or error,
// unchanged; only after it settles is the (redacted) capture offered to the shadow queue.
import type { CallOptions, ModelClient, Runtime } from '../core/model-client.ts';
import { resolveRuntime } from '../core/model-client.ts';
import { runWithCapture, type WireCapture } from '../core/wire-capture.ts';
import type { ChatRequest, EmbeddingRequest } from '../core/types.ts';
import type { CapturedCall } from './captured-call.ts';
import type { ShadowController, ShadowTarget } from './shadow-controller.ts';

export interface SampledCallRecord {
  capture: WireCapture;
  draws: number[];
  sleeps: number[];
  startedAt: number;
}

/** Call options whose runtime records the asked-for sleeps and the jitter draws, then does the real thing. */
function recordingOptions(options: CallOptions | undefined, base: Partial<Runtime> | undefined, record: SampledCallRecord): CallOptions {
  const runtime = resolveRuntime(base, options?.runtime);
  return {
    ...options,
    runtime: {
      ...options?.runtime,
      sleep: (ms, signal) => {
        record.sleeps.push(ms);
        return runtime.sleep(ms, signal);
      },
      random: () => {
        const value = runtime.random();
        record.draws.push(value);
        return value;
      },
    },
  };
}

export function shadowingClient(inner: ModelClient, target: ShadowTarget, controller: ShadowController): ModelClient {
  async function sampled<R>(
    operation: CapturedCall['operation'],
    request: ChatRequest | EmbeddingRequest,
    options: CallOptions | undefined,
    call: (options: CallOptions) => Promise<R>,
  ): Promise<R> {
    const record: SampledCallRecord = {
      capture: { attempts: [] },
      draws: [],
      sleeps: [],
      startedAt: resolveRuntime(target.runtime, options?.runtime).now(),
    };
    const canonical = controller.snapshotRequest(request);
    try {
      const result = await runWithCapture(record.capture, () => call(recordingOptions(options, target.runtime, record)));
      controller.settled(target, operation, canonical, options, record, { ok: true, response: result });
      return result;
    } catch (error) {
      controller.settled(target, operation, canonical, options, record, { ok: false, error });
      throw error;
    }
  }

  return {
    engine: inner.engine,
    providerType: inner.providerType,
    providerName: inner.providerName,
    modelAlias: inner.modelAlias,
    chat(request, options) {
      if (!controller.sample(target)) return inner.chat(request, options);
      return sampled('chat', request, options, (o) => inner.chat(request, o));
    },
    embed(request, options) {
      if (!controller.sample(target)) return inner.embed(request, options);
      return sampled('embedding', request, options, (o) => inner.embed(request, o));
    },
    close: () => inner.close(),
    ...(inner.admissionSnapshot ? { admissionSnapshot: () => inner.admissionSnapshot!() } : {}),
  };
}
