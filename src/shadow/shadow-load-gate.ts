// When a shadow run may start (docs/shadow-mode.md, "Cost"): shadow work takes the event loop's
// spare time, not the primary's. The gate reads the loop's utilization over the last window
// (performance.eventLoopUtilization: the share of time the loop was busy, shadow work included);
// below `maxLoad` a run starts at once; at or above it — a process whose calls keep the loop busy —
// runs only trickle, one per `busyIntervalMs`, so the shadow still makes progress at a bounded
// cost. What cannot start waits in the queue; the queue full, new samples are dropped and counted.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How long a utilization reading stands before it is taken again. */
export const LOAD_WINDOW_MS = 200;
/** Under load, one shadow run per this many ms at most. */
export const BUSY_RUN_INTERVAL_MS = 250;

export interface LoadGateClock {
  /** Monotonic ms. */
  now(): number;
  /** Busy share of the loop since the previous reading, in [0, 1]. */
  utilization(): number;
}

function eventLoopClock(): LoadGateClock {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    now: () => performance.now(),
    utilization: () => {
      const current = performance.eventLoopUtilization();
      const window = performance.eventLoopUtilization(current, last);
      last = current;
      return window.utilization;
    },
  };
}

export class ShadowLoadGate {
  readonly #maxLoad: number;
  readonly #clock: LoadGateClock;
  #readAt: number;
  #load = 0;
  #lastBusyStart = Number.NEGATIVE_INFINITY;

  /** `maxLoad` 1 opens the gate for good (shadow runs as fast as its concurrency allows). */
  constructor(maxLoad: number, clock: LoadGateClock = eventLoopClock()) {
    this.#maxLoad = maxLoad;
    this.#clock = clock;
    this.#readAt = clock.now();
  }

  /** The loop's utilization over the last full window (0 until one has passed). */
  get load(): number {
    this.#refresh();
    return this.#load;
  }

  /** Whether a run may start now; a true answer under load uses up the trickle's turn. */
  tryStart(): boolean {
    if (this.#maxLoad >= 1) return true;
    if (this.load < this.#maxLoad) return true;
    const now = this.#clock.now();
    if (now - this.#lastBusyStart < BUSY_RUN_INTERVAL_MS) return false;
    this.#lastBusyStart = now;
    return true;
  }

  /** How long until asking again can give a different answer. */
  retryInMs(): number {
    const now = this.#clock.now();
    const nextReading = this.#readAt + LOAD_WINDOW_MS - now;
    const nextTrickle = this.#lastBusyStart + BUSY_RUN_INTERVAL_MS - now;
    return Math.max(1, Math.ceil(Math.min(nextReading, nextTrickle)));
  }

  #refresh(): void {
    const now = this.#clock.now();
    if (now - this.#readAt < LOAD_WINDOW_MS) return;
    this.#load = this.#clock.utilization();
    this.#readAt = now;
  }
}
