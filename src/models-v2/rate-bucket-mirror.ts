// A client-side mirror of one provider rate bucket (requests or tokens per minute), re-synced
// from every response that carries the provider's rate-limit headers. Admission asks it how long
// to wait before an attempt of a given cost fits, so a rate-limited provider is paced before it
// answers 429 rather than after.
import type { BucketReading } from './rate-limit-headers.ts';

/** OpenAI and Anthropic both define these buckets per minute, refilled continuously. */
const BUCKET_PERIOD_MS = 60_000;

interface Observation {
  remaining: number;
  /** Tokens per ms: the per-minute rate, or faster when the reset says the bucket fills sooner. */
  refillPerMs: number;
  /** When the attempt that carried this reading was admitted: the server counted it about then. */
  atMs: number;
  /** Admission order of that attempt: later readings replace earlier ones, never the reverse. */
  seq: number;
  /** Cumulative cost admitted up to and including that attempt. */
  spentThrough: number;
}

/**
 * Costs are cumulative totals kept by the caller (every attempt admitted so far, in order):
 * a reading's `spentThrough` is the total up to its own attempt, `spentNow` the total now, so
 * their difference is what the server had not yet counted when it answered.
 */
export class RateBucketMirror {
  #limit: number;
  #observation: Observation;

  constructor(reading: BucketReading, at: ObservedAt) {
    this.#limit = reading.limit;
    this.#observation = observation(reading, at);
  }

  get limit(): number {
    return this.#limit;
  }

  observe(reading: BucketReading, at: ObservedAt): void {
    if (at.seq < this.#observation.seq) return;
    this.#limit = reading.limit;
    this.#observation = observation(reading, at);
  }

  /** What the server has left now, by our estimate: its last word, refilled since, minus what we sent after it. */
  estimatedRemaining(nowMs: number, spentNow: number): number {
    const { remaining, atMs, spentThrough, refillPerMs } = this.#observation;
    const refilled = Math.min(this.#limit, remaining + refillPerMs * Math.max(0, nowMs - atMs));
    return refilled - (spentNow - spentThrough);
  }

  /** Milliseconds until an attempt costing `cost` fits (0: now). A cost above the bucket waits for a full bucket. */
  waitMs(cost: number, nowMs: number, spentNow: number): number {
    const needed = Math.min(cost, this.#limit);
    const missing = needed - this.estimatedRemaining(nowMs, spentNow);
    return missing <= 0 ? 0 : Math.ceil(missing / this.#observation.refillPerMs);
  }

  /** Whether a 429 that carried this reading is explained by this bucket being empty. */
  static exhausted(reading: BucketReading | undefined, cost: number): boolean {
    return reading !== undefined && reading.remaining < Math.max(1, Math.min(cost, reading.limit));
  }
}

type ObservedAt = Omit<Observation, 'remaining' | 'refillPerMs'>;

/**
 * Both providers refill continuously at the per-minute rate, and their reset header says when
 * the bucket is full again. A reset sooner than the per-minute rate implies is believed (a
 * reset of 0 or in the past: full now); a later one is not, since Anthropic's resets are
 * whole seconds and a rounded-up reset would slow pacing for nothing.
 */
function observation(reading: BucketReading, at: ObservedAt): Observation {
  const perMinute = reading.limit / BUCKET_PERIOD_MS;
  const { resetMs } = reading;
  const missing = reading.limit - reading.remaining;
  if (resetMs === undefined || missing <= 0) return { remaining: reading.remaining, refillPerMs: perMinute, ...at };
  if (resetMs <= 0) return { remaining: reading.limit, refillPerMs: perMinute, ...at };
  return { remaining: reading.remaining, refillPerMs: Math.max(perMinute, missing / resetMs), ...at };
}
