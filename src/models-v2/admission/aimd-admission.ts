// The source system's admission (SPEC §7 as first written, reference §6.8/6.9), kept as a
// selectable policy (`admission.policy: aimd`) with its exact numbers, tunable like the source's
// `request_admission` block: ×0.75 once per 429 cascade, +1 after 25 straight successes, and a
// cooldown of Retry-After (or 2 s) during which no attempt of the domain starts.
import type { Runtime } from '../../core/model-client.ts';
import type { AdmissionDemand, AdmissionSnapshot, LimitChange, RequestThrottle, ThrottleDomain, ThrottleOutcome, ThrottlePermit } from './admission.ts';
import { type AdmissionContext, admissionTimeout, logLimitChange, snapshotHeader } from './admission-context.ts';

export interface AimdTuning {
  decreaseFactor: number;
  additiveIncrease: number;
  successesUntilIncrease: number;
  cooldownMs: number;
}

export const AIMD_DEFAULTS: Readonly<AimdTuning> = {
  decreaseFactor: 0.75,
  additiveIncrease: 1,
  successesUntilIncrease: 25,
  cooldownMs: 2000,
};
/** Same ceiling as retry hints: a Retry-After of an hour must not freeze a whole model. */
export const AIMD_MAX_COOLDOWN_MS = 60_000;

interface DomainState {
  limit: number;
  inFlight: number;
  blockedUntil: number;
  successStreak: number;
  /** Callers inside acquire (queued for a slot or sitting out a cooldown). */
  waiting: number;
  lastChange?: LimitChange;
  /** 429s since the last success; only the first of a cascade lowers the limit. */
  consecutiveRateLimits: number;
  /** Wake-up callbacks of queued acquires, oldest first. */
  waiters: Set<() => void>;
}

/**
 * Additive-increase / multiplicative-decrease concurrency limit per domain (chat, embedding),
 * each capped by the (provider, model) cap: ×0.75 once per 429 cascade, +1 after 25 straight
 * successes, and a cooldown of Retry-After (or 2 s) during which no attempt starts.
 */
export class AimdThrottle implements RequestThrottle {
  #cap: number;
  readonly #context: AdmissionContext;
  readonly #tuning: AimdTuning;
  readonly #domains = new Map<ThrottleDomain, DomainState>();

  constructor(cap: number, context: AdmissionContext, tuning: Partial<AimdTuning> = {}) {
    this.#cap = Math.max(1, Math.floor(cap));
    this.#context = context;
    this.#tuning = { ...AIMD_DEFAULTS, ...tuning };
  }

  get cap(): number {
    return this.#cap;
  }

  /** Another alias of the same model registered: the cap only ever tightens. */
  clampCap(cap: number): void {
    this.#cap = Math.max(1, Math.min(this.#cap, Math.floor(cap)));
    for (const [domain, state] of this.#domains) {
      if (state.limit <= this.#cap) continue;
      state.lastChange = { at: Date.now(), from: state.limit, to: this.#cap, reason: 'a smaller maxParallelRequests registered' };
      state.limit = this.#cap;
      logLimitChange(this.#context, domain, state.lastChange);
    }
  }

  snapshot(): AdmissionSnapshot[] {
    return [...this.#domains].map(([domain, state]) => ({
      ...snapshotHeader(this.#context, 'aimd', domain, this.#cap),
      limit: state.limit,
      inFlight: state.inFlight,
      queued: state.waiting,
      ...(Number.isFinite(state.blockedUntil) ? { blockedUntil: state.blockedUntil } : {}),
      ...(state.lastChange ? { lastChange: { ...state.lastChange } } : {}),
    }));
  }

  async acquire(domain: ThrottleDomain, runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<ThrottlePermit> {
    const timeoutMs = this.#context.queueTimeoutMs;
    if (timeoutMs === undefined) return this.#acquire(domain, runtime, signal);
    const expiry = new AbortController();
    const timer = setTimeout(() => expiry.abort(admissionTimeout(this.#context, demand?.modelAlias)), timeoutMs);
    try {
      return await this.#acquire(domain, runtime, signal ? AbortSignal.any([signal, expiry.signal]) : expiry.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async #acquire(domain: ThrottleDomain, runtime: Runtime, signal: AbortSignal | undefined): Promise<ThrottlePermit> {
    const state = this.#state(domain);
    state.waiting += 1;
    try {
      return await this.#wait(domain, state, runtime, signal);
    } finally {
      state.waiting -= 1;
    }
  }

  async #wait(domain: ThrottleDomain, state: DomainState, runtime: Runtime, signal: AbortSignal | undefined): Promise<ThrottlePermit> {
    // A cooldown is waited out once per value of blockedUntil: with an injected clock that does
    // not advance during sleep, re-checking `now` would otherwise wait forever.
    let waitedFor = Number.NEGATIVE_INFINITY;
    try {
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const remaining = state.blockedUntil - runtime.now();
        // A cooldown is never set longer than the maximum, so a longer remainder means the caller's
        // clock is not the one that set it (another runtime injected): it is not ours to wait out.
        if (remaining > 0 && remaining <= AIMD_MAX_COOLDOWN_MS && state.blockedUntil > waitedFor) {
          waitedFor = state.blockedUntil;
          await runtime.sleep(remaining, signal);
          continue;
        }
        if (state.inFlight < state.limit) {
          state.inFlight += 1;
          return this.#permit(domain, state, runtime);
        }
        await waitForRelease(state, signal);
      }
    } catch (error) {
      // A release wakes one waiter only. If that waiter was cancelled before taking the free slot
      // (or while sitting out a cooldown), the wake-up must pass on: otherwise the rest of the
      // queue waits for a release that never comes. Waking one too many is harmless; it re-queues.
      if (state.inFlight < state.limit) wakeNext(state);
      throw error;
    }
  }

  #permit(domain: ThrottleDomain, state: DomainState, runtime: Runtime): ThrottlePermit {
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
        const limitBefore = state.limit;
        this.#record(state, outcome, runtime);
        if (state.limit !== limitBefore) {
          state.lastChange = { at: runtime.now(), from: limitBefore, to: state.limit, reason: outcome.kind === 'success' ? `${this.#tuning.successesUntilIncrease} straight successes` : '429 (first of its cascade)' };
          logLimitChange(this.#context, domain, state.lastChange);
        }
        // One freed slot wakes one waiter (FIFO); waking them all would cost O(waiters) per
        // release when thousands of rows queue on a small limit.
        wakeNext(state);
        if (state.limit > limitBefore) wakeNext(state);
      },
    };
  }

  #record(state: DomainState, outcome: ThrottleOutcome, runtime: Runtime): void {
    if (outcome.kind === 'success') {
      state.consecutiveRateLimits = 0;
      state.successStreak += 1;
      if (state.successStreak >= this.#tuning.successesUntilIncrease) {
        state.limit = Math.min(this.#cap, state.limit + this.#tuning.additiveIncrease);
        state.successStreak = 0;
      }
      return;
    }
    if (outcome.kind === 'rate_limited') {
      const hint = outcome.retryAfterMs;
      const cooldown = hint !== undefined && hint > 0 && hint <= AIMD_MAX_COOLDOWN_MS ? hint : this.#tuning.cooldownMs;
      state.blockedUntil = Math.max(state.blockedUntil, runtime.now() + cooldown);
      state.successStreak = 0;
      if (state.consecutiveRateLimits === 0) {
        state.limit = Math.max(1, Math.floor(state.limit * this.#tuning.decreaseFactor));
      }
      state.consecutiveRateLimits += 1;
      return;
    }
    // Interleaved 429/500/429 from one burst is still one cascade; it ends once the burst drains.
    if (state.inFlight === 0) state.consecutiveRateLimits = 0;
  }

  #state(domain: ThrottleDomain): DomainState {
    let state = this.#domains.get(domain);
    if (!state) {
      state = {
        limit: this.#cap,
        inFlight: 0,
        blockedUntil: Number.NEGATIVE_INFINITY,
        successStreak: 0,
        waiting: 0,
        consecutiveRateLimits: 0,
        waiters: new Set(),
      };
      this.#domains.set(domain, state);
    }
    return state;
  }
}

function wakeNext(state: DomainState): void {
  const [first] = state.waiters;
  first?.();
}

function waitForRelease(state: DomainState, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const wake = (): void => {
      state.waiters.delete(wake);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      state.waiters.delete(wake);
      reject(signal?.reason);
    };
    state.waiters.add(wake);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
