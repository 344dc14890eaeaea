// Every call the legacy router is running gets a signal that aborts on the caller's signal or on
// close(). close() aborts them all with a `RouterClosedReason`, which stops the concurrency-limiter
// queue, the request in flight and the backoff sleep alike (docs/engine-rules.md, "Close"); the
// router turns that reason into its "closed" ConfigError, the caller's own reason passes as is.

/** The abort reason close() gives; never seen by a caller. */
export class RouterClosedReason extends Error {
  constructor() {
    super('the legacy router was closed');
    this.name = 'RouterClosedReason';
  }
}

export interface RunningCall {
  readonly signal: AbortSignal;
  /** Call once the call has settled. */
  finish(): void;
}

export class CallRegistry {
  readonly #running = new Set<AbortController>();
  #closed = false;

  get running(): number {
    return this.#running.size;
  }

  begin(callerSignal?: AbortSignal): RunningCall {
    const controller = new AbortController();
    const forward = (): void => controller.abort(callerSignal!.reason);
    if (this.#closed) controller.abort(new RouterClosedReason());
    else if (callerSignal?.aborted) forward();
    else callerSignal?.addEventListener('abort', forward, { once: true });
    this.#running.add(controller);
    return {
      signal: controller.signal,
      finish: () => {
        this.#running.delete(controller);
        callerSignal?.removeEventListener('abort', forward);
      },
    };
  }

  /** Aborts every running call; calls begun afterwards start aborted. */
  closeAll(): void {
    this.#closed = true;
    const reason = new RouterClosedReason();
    for (const controller of this.#running) controller.abort(reason);
    this.#running.clear();
  }
}
