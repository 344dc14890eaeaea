// The bounded queue shadow runs wait in: never blocks the caller, runs at most `concurrency`
// tasks at once and only while the CPU budget is not in debt, and swallows every task error (the
// caller has its result already). A place is reserved when a call is sampled, before anything is
// captured: a call that finds the queue full, or the budget unable to pay for it, is dropped (and
// counted) at the cost of a comparison, never captured, copied or redacted for nothing.
import { runOutsideCapture } from '../core/wire-capture.ts';
import type { ShadowCpuBudget } from './shadow-cpu-budget.ts';

export interface QueuedTask {
  run(): Promise<void>;
  /** Called instead of `run` when the queue closes before the task started. */
  forget(): void;
}

export interface QueuePlace {
  /** Queues the task in the reserved place. */
  fill(task: QueuedTask): void;
  /** Gives the place back unused. */
  release(): void;
}

export class ShadowQueue {
  readonly #size: number;
  readonly #concurrency: number;
  readonly #budget: ShadowCpuBudget;
  readonly #waiting: QueuedTask[] = [];
  #reserved = 0;
  #running = 0;
  #draining = 0;
  #timer?: NodeJS.Timeout;
  #closed = false;
  #idle: (() => void)[] = [];
  #stopped: (() => void)[] = [];

  constructor(size: number, concurrency: number, budget: ShadowCpuBudget) {
    this.#size = size;
    this.#concurrency = concurrency;
    this.#budget = budget;
  }

  get pending(): number {
    return this.#reserved + this.#waiting.length + this.#running;
  }

  /** A place for one task, or undefined when the queue is full (or closed), or the CPU budget cannot cover one more. */
  reserve(): QueuePlace | undefined {
    if (this.#closed || this.#reserved + this.#waiting.length >= this.#size) return undefined;
    if (!this.#budget.mayAdmit(this.pending)) return undefined;
    this.#reserved += 1;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.#reserved -= 1;
      return true;
    };
    return {
      fill: (task) => {
        if (!settle()) return;
        if (this.#closed) {
          task.forget();
          return this.#settleIdle();
        }
        this.#waiting.push(task);
        // Started on a later turn, outside the captured call's context, after the caller resumed.
        runOutsideCapture(() => setImmediate(() => this.#pump()));
      },
      release: () => {
        if (settle()) this.#settleIdle();
      },
    };
  }

  #pump(): void {
    if (this.#closed) return this.#settleIdle();
    while (this.#running < this.#concurrency && this.#waiting.length > 0) {
      if (this.#draining === 0 && !this.#budget.mayStart()) {
        this.#later();
        break;
      }
      const task = this.#waiting.shift()!;
      this.#running += 1;
      void Promise.resolve()
        .then(() => task.run())
        .catch(() => undefined)
        .finally(() => {
          this.#running -= 1;
          if (this.#running === 0) for (const resolve of this.#stopped.splice(0)) resolve();
          this.#pump();
        });
    }
    this.#settleIdle();
  }

  #later(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, this.#budget.retryInMs());
    // Waiting shadow work never keeps a process alive.
    this.#timer.unref();
  }

  #settleIdle(): void {
    if (this.pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once nothing is reserved, waiting or running; the CPU budget is not waited for meanwhile (tests, end of a job). */
  async drain(): Promise<void> {
    if (this.pending === 0) return;
    this.#draining += 1;
    try {
      this.#pump();
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    } finally {
      this.#draining -= 1;
    }
  }

  /** Takes no more work and forgets what waits; resolves once the running tasks are done. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#waiting.splice(0)) task.forget();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running > 0) await new Promise<void>((resolve) => this.#stopped.push(resolve));
    this.#settleIdle();
  }
}
