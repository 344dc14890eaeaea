// The bounded queue shadow runs wait in: never blocks the caller, drops when full, runs at most
// `concurrency` tasks at once, and swallows every task error (the caller has its result already).
import { runOutsideCapture } from '../core/wire-capture.ts';

export class ShadowQueue {
  readonly #size: number;
  readonly #concurrency: number;
  readonly #waiting: (() => Promise<void>)[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(size: number, concurrency: number) {
    this.#size = size;
    this.#concurrency = concurrency;
  }

  get pending(): number {
    return this.#waiting.length + this.#running;
  }

  /** False (and the task is not kept) when the queue is full. */
  offer(task: () => Promise<void>): boolean {
    if (this.#waiting.length >= this.#size) return false;
    this.#waiting.push(task);
    // Started on a later turn, outside the captured call's context, after the caller resumed.
    runOutsideCapture(() => setImmediate(() => this.#pump()));
    return true;
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#waiting.length > 0) {
      const task = this.#waiting.shift()!;
      this.#running += 1;
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.#running -= 1;
          this.#pump();
        });
    }
    if (this.pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once nothing is waiting or running (tests, shutdown). */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
