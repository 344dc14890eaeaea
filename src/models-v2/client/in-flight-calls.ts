// The calls a v2 client is running, each with a signal of its own that aborts on the caller's
// signal or on close(). close() aborts every one with a `ClientClosedReason`, so admission waits,
// attempts in flight and backoff sleeps all stop at once (docs/contract.md "Retries, timeouts, admission", docs/engine-rules.md);
// the client turns that reason into its "closed" ConfigError, the caller's own reason passes as is.

/** The abort reason close() gives; never seen by a caller. */
export class ClientClosedReason extends Error {
  constructor() {
    super('the model client was closed');
    this.name = 'ClientClosedReason';
  }
}

export interface InFlightCall {
  /** Aborts with the caller's reason or a `ClientClosedReason`, whichever comes first. */
  readonly signal: AbortSignal;
  /** Forgets the call and lets go of the caller's signal; call once it has settled. */
  end(): void;
}

export class InFlightCalls {
  readonly #calls = new Set<AbortController>();
  #closed = false;

  get size(): number {
    return this.#calls.size;
  }

  start(callerSignal: AbortSignal | undefined): InFlightCall {
    const controller = new AbortController();
    if (this.#closed) controller.abort(new ClientClosedReason());
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    this.#calls.add(controller);
    return {
      signal: controller.signal,
      end: () => {
        this.#calls.delete(controller);
        callerSignal?.removeEventListener('abort', onCallerAbort);
      },
    };
  }

  /** Aborts every call started so far and every call started from now on. */
  abortAll(): void {
    this.#closed = true;
    const reason = new ClientClosedReason();
    for (const controller of this.#calls) controller.abort(reason);
    this.#calls.clear();
  }
}
