// A continuously refilling token bucket: `size` units at most, `perMinute` units added per minute
// in proportion to elapsed time (no fixed windows). Times are milliseconds from a monotonic clock
// the caller passes in, so the bucket itself never reads a clock and tests drive it by hand.

export interface BucketShape {
  /** Units added per minute. */
  perMinute: number;
  /** Most units the bucket holds (the burst). */
  size: number;
}

export class TokenBucket {
  #shape: BucketShape;
  #level: number;
  #at: number;

  /** Starts full at `now`. */
  constructor(shape: BucketShape, now: number) {
    this.#shape = { ...shape };
    this.#level = shape.size;
    this.#at = now;
  }

  get shape(): BucketShape {
    return { ...this.#shape };
  }

  #refill(now: number): void {
    if (now <= this.#at) return;
    this.#level = Math.min(this.#shape.size, this.#level + ((now - this.#at) * this.#shape.perMinute) / 60_000);
    this.#at = now;
  }

  /** Units available now (fractional). */
  level(now: number): number {
    this.#refill(now);
    return this.#level;
  }

  /** Milliseconds until `amount` units are available; 0 when they are; Infinity when `amount` exceeds the size or nothing refills. */
  waitFor(amount: number, now: number): number {
    this.#refill(now);
    if (this.#level >= amount) return 0;
    if (amount > this.#shape.size || this.#shape.perMinute <= 0) return Number.POSITIVE_INFINITY;
    return ((amount - this.#level) * 60_000) / this.#shape.perMinute;
  }

  /** Milliseconds until the bucket is full again. */
  untilFull(now: number): number {
    return this.#shape.perMinute <= 0
      ? this.level(now) >= this.#shape.size
        ? 0
        : Number.POSITIVE_INFINITY
      : this.waitFor(this.#shape.size, now);
  }

  /** Takes `amount` units when available (all or nothing). */
  take(amount: number, now: number): boolean {
    if (this.waitFor(amount, now) > 0) return false;
    this.#level -= amount;
    return true;
  }

  /**
   * New rate and size from `now` on: what refilled so far refilled at the old rate; the level is
   * kept (a bigger bucket is not topped up), clamped to a smaller one.
   */
  reshape(shape: BucketShape, now: number): void {
    this.#refill(now);
    this.#shape = { ...shape };
    this.#level = Math.min(this.#level, shape.size);
  }

  /** Full again, as at start. */
  fill(now: number): void {
    this.#level = this.#shape.size;
    this.#at = now;
  }
}
