import type { AdmissionSnapshot } from './admission-snapshot.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, ProviderType } from './types.ts';

/** Time and randomness seams: replays and tests inject these so retries never wait for real. */
export interface Runtime {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export interface CallOptions {
  /** Cancels the call, including any backoff sleep between attempts. */
  signal?: AbortSignal;
  /** Per-attempt deadline in ms; overrides the request's `timeout_ms` and the model default. */
  timeoutMs?: number;
  /** Overrides the client's runtime for this call only. */
  runtime?: Partial<Runtime>;
  /**
   * Told about every HTTP attempt the engine makes for this call (observability, run summary).
   * Absent: the engines allocate nothing for it. It never changes what is sent or how it retries.
   */
  observer?: CallObserver;
}

/** Attempt-level facts from an engine's retry loop (both engines implement it separately). */
export interface CallObserver {
  /**
   * An attempt is about to go out (after its admission slot was granted). `attempt` counts from 1
   * per exchange (a fanned-out embedding batch numbers each sub-request's attempts on its own).
   * Returns where the attempt's end is reported.
   */
  attemptStarted(start: AttemptStart): AttemptObserver;
  /**
   * The engine is about to wait `delayMs` before its next attempt: the backoff its retry rule
   * asked for (Retry-After or jitter), never an admission or pacing wait. Shadow mode compares
   * these between engines (the "asked-for sleeps").
   */
  retryScheduled?(delayMs: number): void;
}

export interface AttemptStart {
  attempt: number;
  /** How long this attempt waited for admission (v2) or a concurrency slot (legacy), in ms. */
  admissionWaitMs?: number;
}

export interface AttemptObserver {
  /** Exactly once per started attempt: `error` undefined on success, else what the attempt threw. */
  attemptEnded(error?: unknown): void;
}

/** One implementation per engine; the facade, registry and harness only ever see this. */
export interface ModelClient {
  readonly engine: EngineName;
  readonly providerType: ProviderType;
  readonly providerName: string;
  readonly modelAlias: string;
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  embed(request: EmbeddingRequest, options?: CallOptions): Promise<EmbeddingResponse>;
  /** Releases sockets and SDK clients; the client is unusable afterwards. */
  close(): Promise<void>;
  /** What admission knows now, per domain (v2: the adaptive limit and rate buckets; legacy: its fixed limit). */
  admissionSnapshot?(): AdmissionSnapshot[];
}

export type EngineName = 'legacy' | 'v2';

export const DEFAULT_TIMEOUT_MS = 60_000;

export const systemRuntime: Runtime = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function resolveRuntime(...layers: (Partial<Runtime> | undefined)[]): Runtime {
  const merged: Runtime = { ...systemRuntime };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.now) merged.now = layer.now;
    if (layer.sleep) merged.sleep = layer.sleep;
    if (layer.random) merged.random = layer.random;
  }
  return merged;
}
