// What the fake provider admits right now: the concurrency cap, the request-rate and token-rate
// buckets, the noise rate, and the schedule that changes them at given seconds after start (or
// after the last reset). Pure state: the caller passes monotonic milliseconds in.
import { seededRandom } from './fault-script.ts';
import { applyLimitChange, burstOf, type LimitSettings, type ScheduleStep } from './limit-settings.ts';
import { TokenBucket } from './token-bucket.ts';

export type LimitReason = 'capacity' | 'requestRate' | 'tokenRate' | 'noise';

export type RateDecision =
  | { ok: true }
  | { ok: false; reason: 'requestRate' | 'tokenRate'; waitMs: number; limitPerMinute: number; used: number; requested: number };

/** One bucket as the headers describe it, after the current request was counted. */
export interface BucketView {
  /** The bucket size: what may be spent before the limit bites. */
  limit: number;
  /** Whole units left. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export interface AppliedStep {
  atSeconds: number;
  /** Milliseconds after the origin when the step took effect (at or just after `atSeconds`). */
  appliedAtMs: number;
}

export class ProviderLimits {
  readonly #initial: LimitSettings;
  readonly #schedule: readonly ScheduleStep[];
  readonly #seed: number;
  #settings!: LimitSettings;
  #origin = 0;
  #nextStep = 0;
  #applied: AppliedStep[] = [];
  #requests: TokenBucket | undefined;
  #tokens: TokenBucket | undefined;
  #random!: () => number;

  constructor(initial: LimitSettings, schedule: readonly ScheduleStep[], seed: number, now: number) {
    this.#initial = initial;
    this.#schedule = schedule;
    this.#seed = seed;
    this.reset(now);
  }

  /** Back to the initial limits with full buckets; the schedule counts from `now` again. */
  reset(now: number): void {
    this.#settings = { ...this.#initial };
    this.#origin = now;
    this.#nextStep = 0;
    this.#applied = [];
    this.#requests = undefined;
    this.#tokens = undefined;
    // Its own stream, so turning noise on never shifts which requests a fault script picks.
    this.#random = seededRandom((this.#seed ^ 0x5eed_0015) >>> 0);
    this.#reshape(now);
    this.sync(now);
  }

  get settings(): LimitSettings {
    return { ...this.#settings };
  }

  get applied(): AppliedStep[] {
    return this.#applied.map((step) => ({ ...step }));
  }

  /** Applies every schedule step that is due at `now`. */
  sync(now: number): void {
    while (this.#nextStep < this.#schedule.length && this.#schedule[this.#nextStep].atSeconds * 1000 <= now - this.#origin) {
      const step = this.#schedule[this.#nextStep++];
      this.#settings = applyLimitChange(this.#settings, step);
      this.#reshape(now);
      this.#applied.push({ atSeconds: step.atSeconds, appliedAtMs: Math.round(now - this.#origin) });
    }
  }

  #reshape(now: number): void {
    const s = this.#settings;
    this.#requests = reshaped(this.#requests, s.requestsPerMinute, s.requestBurst, now);
    this.#tokens = reshaped(this.#tokens, s.tokensPerMinute, s.tokenBurst, now);
  }

  /** True when one more request in flight (`inFlight` counts it) is over the cap. */
  overCapacity(inFlight: number): boolean {
    return this.#settings.capacity !== null && inFlight > this.#settings.capacity;
  }

  /**
   * Takes one request and `tokens` tokens, both or neither. A request larger than the whole token
   * bucket can never pass; it is refused with an infinite wait.
   */
  admit(tokens: number, now: number): RateDecision {
    const requestWait = this.#requests?.waitFor(1, now) ?? 0;
    if (this.#requests && requestWait > 0) {
      return {
        ok: false,
        reason: 'requestRate',
        waitMs: requestWait,
        limitPerMinute: this.#requests.shape.perMinute,
        used: used(this.#requests, now),
        requested: 1,
      };
    }
    const tokenWait = this.#tokens?.waitFor(tokens, now) ?? 0;
    if (this.#tokens && tokenWait > 0) {
      return {
        ok: false,
        reason: 'tokenRate',
        waitMs: tokenWait,
        limitPerMinute: this.#tokens.shape.perMinute,
        used: used(this.#tokens, now),
        requested: tokens,
      };
    }
    this.#requests?.take(1, now);
    this.#tokens?.take(tokens, now);
    return { ok: true };
  }

  /** Draws whether an admitted request gets a transient failure, and which of `statuses` (uniformly). */
  noise<T>(statuses: readonly T[]): T | undefined {
    if (this.#settings.noiseRate <= 0 || statuses.length === 0 || this.#random() >= this.#settings.noiseRate) return undefined;
    return statuses.length === 1 ? statuses[0] : statuses[Math.floor(this.#random() * statuses.length)];
  }

  requestView(now: number): BucketView | undefined {
    return this.#requests && view(this.#requests, now);
  }

  tokenView(now: number): BucketView | undefined {
    return this.#tokens && view(this.#tokens, now);
  }
}

function reshaped(bucket: TokenBucket | undefined, perMinute: number | null, burst: number | null, now: number): TokenBucket | undefined {
  if (perMinute === null) return undefined;
  const shape = { perMinute, size: burstOf(perMinute, burst) };
  if (!bucket) return new TokenBucket(shape, now);
  bucket.reshape(shape, now);
  return bucket;
}

function used(bucket: TokenBucket, now: number): number {
  return Math.round(bucket.shape.size - bucket.level(now));
}

function view(bucket: TokenBucket, now: number): BucketView {
  return { limit: bucket.shape.size, remaining: Math.floor(bucket.level(now)), resetMs: bucket.untilFull(now) };
}
