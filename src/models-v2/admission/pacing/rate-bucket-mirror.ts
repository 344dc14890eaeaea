// A client-side mirror of one provider rate bucket (requests or tokens), re-synced from every
// response that carries the provider's rate-limit headers. Admission asks it how long to wait
// before an attempt of a given cost fits, so a rate-limited provider is paced before it answers
// 429 rather than after.
//
// How fast the bucket refills is learnt, in this order of trust:
// 1. an exact reset (OpenAI's millisecond durations): (limit − remaining) / reset.
// 2. measured: the change of `remaining` between two readings at least two seconds apart, plus
//    what we spent in between that the provider did not refuse. Self-calibrating: a token
//    estimate that is off by a factor is off by the same factor in the measured rate. (Where a
//    provider also charges refused requests, this under-estimates: pacing errs on the slow side.)
// 3. a whole-second reset (Anthropic's instants, rounded): (limit − remaining) / reset, or the
//    per-minute rate both providers document (limit per 60 s), whichever is faster.
import type { BucketReading } from './rate-limit-headers.ts';

/** OpenAI and Anthropic both define these buckets per minute, refilled continuously. */
const BUCKET_PERIOD_MS = 60_000;
/**
 * Pacing assumes the bucket refills this much slower than believed: readings are a round trip
 * old and rounded, and a 429 costs the attempt a Retry-After, so erring slow is cheaper.
 */
export const PACING_MARGIN = 0.97;
/** Readings closer than this are too close to measure a refill from whole-unit `remaining` counts. */
export const REFILL_SAMPLE_MIN_MS = 2_000;

/** Where a reading stands in our own admission order. */
export interface ObservedAt {
  /** When the attempt that carried the reading was admitted: the server counted it about then. */
  atMs: number;
  /** Admission order of that attempt: later readings replace earlier ones, never the reverse. */
  seq: number;
  /** Cumulative cost admitted up to and including that attempt. */
  spentThrough: number;
}

interface Observation extends ObservedAt {
  remaining: number;
}

/**
 * Costs are cumulative totals kept by the caller (every attempt admitted so far, in order):
 * a reading's `spentThrough` is the total up to its own attempt, `spentNow` the total now, so
 * their difference is what the server had not yet counted when it answered.
 */
export class RateBucketMirror {
  #limit: number;
  #observation: Observation;
  #refillPerMs: number;
  #measuredPerMs?: number;
  /** The earliest reading of a stretch in which the bucket was never seen full. */
  #anchor?: Observation;
  /** Attempts refused with a 429 since the anchor (admission order, cost): not charged. */
  #refusals: { seq: number; cost: number }[] = [];

  constructor(reading: BucketReading, at: ObservedAt) {
    this.#limit = reading.limit;
    this.#refillPerMs = reading.limit / BUCKET_PERIOD_MS;
    this.#observation = this.#take(reading, at);
  }

  get limit(): number {
    return this.#limit;
  }

  /** Tokens per second, as currently believed. */
  get refillPerSecond(): number {
    return this.#refillPerMs * 1000;
  }

  observe(reading: BucketReading, at: ObservedAt): void {
    if (at.seq < this.#observation.seq) return;
    this.#limit = reading.limit;
    this.#observation = this.#take(reading, at);
  }

  /** What the server has left now, by our estimate: its last word, refilled since, minus what we sent after it. */
  estimatedRemaining(nowMs: number, spentNow: number): number {
    const { remaining, atMs, spentThrough } = this.#observation;
    const refilled = Math.min(this.#limit, remaining + this.#pacedRefillPerMs() * Math.max(0, nowMs - atMs));
    return refilled - (spentNow - spentThrough);
  }

  /** Milliseconds until an attempt costing `cost` fits (0: now). A cost above the bucket waits for a full bucket. */
  waitMs(cost: number, nowMs: number, spentNow: number): number {
    const needed = Math.min(cost, this.#limit);
    const missing = needed - this.estimatedRemaining(nowMs, spentNow);
    return missing <= 0 ? 0 : Math.ceil(missing / this.#pacedRefillPerMs());
  }

  /** The last reading and the paced refill, for a shared store's copy of the bucket. */
  sharedReading(): { limit: number; remaining: number; atMs: number; seq: number; spentThrough: number; refillPerMs: number } {
    const { remaining, atMs, seq, spentThrough } = this.#observation;
    return { limit: this.#limit, remaining, atMs, seq, spentThrough, refillPerMs: this.#pacedRefillPerMs() };
  }

  #pacedRefillPerMs(): number {
    return this.#refillPerMs * PACING_MARGIN;
  }

  /** An attempt came back 429: whatever it cost us, the provider did not count it as spent. */
  refused(seq: number, cost: number): void {
    if (this.#anchor && seq > this.#anchor.seq) this.#refusals.push({ seq, cost });
  }

  /** Whether a 429 that carried this reading is explained by this bucket being empty. */
  static exhausted(reading: BucketReading | undefined, cost: number): boolean {
    return reading !== undefined && reading.remaining < Math.max(1, Math.min(cost, reading.limit));
  }

  #take(reading: BucketReading, at: ObservedAt): Observation {
    const { resetMs, limit } = reading;
    // A reset of 0 (or one already past, as a replayed recording's is) means full now.
    const remaining = resetMs !== undefined && resetMs <= 0 ? limit : reading.remaining;
    const observed: Observation = { remaining, ...at };
    this.#learnRefill(observed, reading);
    return observed;
  }

  #learnRefill(observed: Observation, reading: BucketReading): void {
    const missing = reading.limit - observed.remaining;
    if (missing <= 0) {
      // A full bucket says nothing about its refill, and ends the stretch a measurement needs.
      this.#anchor = undefined;
      this.#refusals = [];
      return;
    }
    if (reading.resetExact && reading.resetMs) {
      this.#refillPerMs = missing / reading.resetMs;
      return;
    }
    this.#measure(observed);
    if (this.#measuredPerMs !== undefined) {
      this.#refillPerMs = this.#measuredPerMs;
      return;
    }
    const perMinute = reading.limit / BUCKET_PERIOD_MS;
    this.#refillPerMs = Math.max(perMinute, reading.resetMs ? missing / reading.resetMs : 0);
  }

  #measure(observed: Observation): void {
    const anchor = this.#anchor;
    if (!anchor) {
      this.#anchor = observed;
      return;
    }
    if (observed.atMs - anchor.atMs < REFILL_SAMPLE_MIN_MS) return;
    const between = this.#refusals.filter((r) => r.seq > anchor.seq && r.seq <= observed.seq);
    const charged = observed.spentThrough - anchor.spentThrough - between.reduce((sum, r) => sum + r.cost, 0);
    const rate = (observed.remaining - anchor.remaining + charged) / (observed.atMs - anchor.atMs);
    if (rate > 0) this.#measuredPerMs = this.#measuredPerMs === undefined ? rate : (this.#measuredPerMs + rate) / 2;
    this.#anchor = observed;
    this.#refusals = this.#refusals.filter((r) => r.seq > observed.seq);
  }
}
