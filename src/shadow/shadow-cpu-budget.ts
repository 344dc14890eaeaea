// How much CPU shadow mode may take (docs/shadow-mode.md, "Cost"): a share of one core, for
// everything it does — the capture bookkeeping and redaction on the registry's thread, where every
// millisecond is one a primary response may wait, and the shadow runs, on the worker thread (or,
// with thread 'main', on the registry's, their span measured whole and so also holding whatever
// primary work ran interleaved: an overestimate, stricter when the primary is busy). A token
// bucket refills at `share` µs of CPU per µs of wall time (up to BURST_WINDOW_MS worth). A run starts only while the bucket is not in debt (debt is capped at one
// second's worth, so a one-off cost is not paid back for minutes), and a sampled call is taken
// only while the bucket covers it and every call already taken, at the measured cost of one:
// otherwise it is dropped before anything of it is captured, so capture follows the budget.

/** The bucket holds this much wall time's worth of budget: the largest burst of shadow work. */
export const BURST_WINDOW_MS = 250;
/**
 * Debt is forgiven past this much wall time's worth: a one-off cost (building a shadow session's
 * client loads and constructs the other engine, tens of ms) holds shadow runs back for at most
 * this long instead of for its whole cost divided by the share.
 */
export const MAX_DEBT_WINDOW_MS = 1000;
/** What one sampled call is assumed to cost (capture bookkeeping and shadow run) before one was measured. */
export const INITIAL_TASK_ESTIMATE_MICROS = 1000;
const ESTIMATE_WEIGHT = 0.2;

export interface BudgetClock {
  /** Monotonic ms. */
  now(): number;
}

const monotonic: BudgetClock = { now: () => performance.now() };

/** CPU (user + system, µs) of the calling thread so far (the process's where Node cannot tell threads apart). */
export function threadCpuMicros(): number {
  const usage = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage();
  return usage.user + usage.system;
}

export class ShadowCpuBudget {
  readonly #share: number;
  readonly #clock: BudgetClock;
  readonly #capacity: number;
  readonly #floor: number;
  #tokens: number;
  #at: number;
  #estimate = INITIAL_TASK_ESTIMATE_MICROS;

  /** `share` of one core, in (0, 1]; 1 never holds shadow work back. */
  constructor(share: number, clock: BudgetClock = monotonic) {
    this.#share = share;
    this.#clock = clock;
    this.#capacity = share * BURST_WINDOW_MS * 1000;
    this.#floor = -share * MAX_DEBT_WINDOW_MS * 1000;
    this.#tokens = this.#capacity;
    this.#at = clock.now();
  }

  get unlimited(): boolean {
    return this.#share >= 1;
  }

  /** µs of CPU shadow work may still take now (negative: in debt). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * 1000 * this.#share);
    this.#at = now;
  }

  /** What one sampled call's shadow work costs, as measured so far (moving average, µs). */
  get taskEstimate(): number {
    return this.#estimate;
  }

  /**
   * Whether one more sampled call may be taken while `pending` are taken and not yet paid for:
   * the budget must cover them all at the current estimate. A call refused here is dropped
   * before anything of it is captured.
   */
  mayAdmit(pending: number): boolean {
    return this.unlimited || this.available - pending * this.#estimate > 0;
  }

  /** Records what one sampled call's shadow work cost in all (its capture bookkeeping and run). */
  taskCost(micros: number): void {
    if (micros > 0) this.#estimate += ESTIMATE_WEIGHT * (micros - this.#estimate);
  }

  /** Whether a shadow run may start now: the bucket is not in debt. */
  mayStart(): boolean {
    return this.mayAdmit(0);
  }

  /** Records CPU spent on shadow work. */
  spend(micros: number): void {
    if (this.unlimited || !(micros > 0)) return;
    this.#refill();
    this.#tokens = Math.max(this.#floor, this.#tokens - micros);
  }

  /** ms until the bucket is out of debt (at least 1). */
  retryInMs(): number {
    const debt = -this.available;
    return Math.max(1, Math.ceil(debt / (1000 * this.#share)));
  }
}
