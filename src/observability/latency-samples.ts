// Latency samples of one run-summary entry: every sample is kept up to EXACT_SAMPLE_LIMIT, so
// percentiles are exact for runs that size; past it a uniform reservoir of that size is kept
// (Vitter's algorithm R), so memory stays bounded and the percentiles become estimates.

export const EXACT_SAMPLE_LIMIT = 100_000;

export class LatencySamples {
  readonly #limit: number;
  readonly #random: () => number;
  readonly #samples: number[] = [];
  #seen = 0;

  constructor(limit: number = EXACT_SAMPLE_LIMIT, random: () => number = Math.random) {
    this.#limit = limit;
    this.#random = random;
  }

  /** How many samples were offered (kept or not). */
  get count(): number {
    return this.#seen;
  }

  /** True once samples were dropped: percentiles are then reservoir estimates. */
  get sampled(): boolean {
    return this.#seen > this.#limit;
  }

  add(ms: number): void {
    this.#seen += 1;
    if (this.#samples.length < this.#limit) {
      this.#samples.push(ms);
      return;
    }
    const slot = Math.floor(this.#random() * this.#seen);
    if (slot < this.#limit) this.#samples[slot] = ms;
  }

  /** Percentiles by linear interpolation between closest ranks; 0 for no samples. */
  percentiles(ps: readonly number[]): number[] {
    if (this.#samples.length === 0) return ps.map(() => 0);
    const sorted = Float64Array.from(this.#samples).sort();
    return ps.map((p) => interpolate(sorted, p));
  }
}

function interpolate(sorted: Float64Array, p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const value = sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
  return Math.round(value * 10) / 10;
}
