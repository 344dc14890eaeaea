// The source system's limit algorithm (docs/contract.md "Retries, timeouts, admission" as first written, reference §6.8/6.9), as pure
// arithmetic on explicit clock values: ×0.75 once per 429 cascade, +1 after 25 straight successes,
// and a cooldown of Retry-After (or 2 s) during which no attempt starts. The waiting is the gate's
// (../admission-gate.ts); the policy around both is ../aimd-admission.ts.
import type { LimitChange } from '../admission.ts';

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

export type AimdOutcome = { kind: 'success' } | { kind: 'rate_limited'; retryAfterMs?: number } | { kind: 'failure' };

export class AimdLimit {
  #value: number;
  #blockedUntil = Number.NEGATIVE_INFINITY;
  #successStreak = 0;
  /** 429s since the last success; only the first of a cascade lowers the limit. */
  #consecutiveRateLimits = 0;
  #lastChange?: LimitChange;
  readonly #tuning: AimdTuning;

  constructor(cap: number, tuning: Partial<AimdTuning> = {}) {
    this.#value = cap;
    this.#tuning = { ...AIMD_DEFAULTS, ...tuning };
  }

  /** Attempts that may run at once. */
  get value(): number {
    return this.#value;
  }

  /** Until when (epoch ms) no attempt starts; -Infinity when no cooldown was ever set. */
  get blockedUntil(): number {
    return this.#blockedUntil;
  }

  get lastChange(): LimitChange | undefined {
    return this.#lastChange;
  }

  /** A smaller cap: the limit falls to it (never rises). */
  clamp(cap: number, now: number): LimitChange | undefined {
    if (this.#value <= cap) return undefined;
    return this.#change(cap, now, 'a smaller maxParallelRequests registered');
  }

  /**
   * An attempt ended at `now`; `inFlight` counts the attempts still running and `cap` bounds a raise.
   * Returns the limit change it caused, if any.
   */
  record(outcome: AimdOutcome, now: number, inFlight: number, cap: number): LimitChange | undefined {
    const before = this.#value;
    if (outcome.kind === 'success') {
      this.#consecutiveRateLimits = 0;
      this.#successStreak += 1;
      if (this.#successStreak >= this.#tuning.successesUntilIncrease) {
        this.#value = Math.min(cap, this.#value + this.#tuning.additiveIncrease);
        this.#successStreak = 0;
      }
    } else if (outcome.kind === 'rate_limited') {
      const hint = outcome.retryAfterMs;
      const cooldown = hint !== undefined && hint > 0 && hint <= AIMD_MAX_COOLDOWN_MS ? hint : this.#tuning.cooldownMs;
      this.#blockedUntil = Math.max(this.#blockedUntil, now + cooldown);
      this.#successStreak = 0;
      if (this.#consecutiveRateLimits === 0) this.#value = Math.max(1, Math.floor(this.#value * this.#tuning.decreaseFactor));
      this.#consecutiveRateLimits += 1;
    } else if (inFlight === 0) {
      // Interleaved 429/500/429 from one burst is still one cascade; it ends once the burst drains.
      this.#consecutiveRateLimits = 0;
    }
    if (this.#value === before) return undefined;
    const to = this.#value;
    this.#value = before;
    const reason = outcome.kind === 'success' ? `${this.#tuning.successesUntilIncrease} straight successes` : '429 (first of its cascade)';
    return this.#change(to, now, reason);
  }

  /**
   * How long an attempt must still wait at `now` for the cooldown; `satOutUntil` is when the
   * last wait it sat out ended (a cooldown is waited out once per value: with an injected clock
   * that does not advance during sleep, re-checking `now` would otherwise wait forever).
   */
  cooldownMs(now: number, satOutUntil = Number.NEGATIVE_INFINITY): number {
    const remaining = this.#blockedUntil - now;
    // A cooldown is never set longer than the maximum, so a longer remainder means the caller's
    // clock is not the one that set it (another runtime injected): it is not ours to wait out.
    if (remaining > 0 && remaining <= AIMD_MAX_COOLDOWN_MS && this.#blockedUntil > satOutUntil) return remaining;
    return 0;
  }

  #change(to: number, at: number, reason: string): LimitChange {
    const change = { at, from: this.#value, to, reason };
    this.#value = to;
    this.#lastChange = change;
    return change;
  }
}
