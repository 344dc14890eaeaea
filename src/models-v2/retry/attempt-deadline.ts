// One attempt's client deadline as an AbortSignal, combined with the caller's signal. The SDKs'
// own `timeout` options stop at the response headers; this signal also covers reading the body,
// so a server that stalls mid-body still ends in ModelTimeoutError.
//
// A plain timer that the attempt clears, not `AbortSignal.timeout`: a timeout signal keeps its
// timer for the whole budget (60 s by default) and is only released through a finalizer, and while
// an SDK or undici listener is attached Node holds it (and whatever it composes) strongly. At
// thousands of calls a second that is tens of thousands of live timers and finalizer entries the
// GC has to walk. It is also what legacy does (client/router.ts), so fractional budgets behave
// the same on both engines instead of throwing from `AbortSignal.timeout`'s integer check.

/** Whether the attempt's deadline has fired; only ever read, never listened to. */
export interface DeadlineState {
  readonly aborted: boolean;
}

export interface AttemptSignals {
  /** Aborts on the deadline or the caller's signal: hand this to the SDK. */
  signal: AbortSignal;
  /**
   * Set only by the deadline: tells our timeout apart from the caller's cancel. A flag, not a
   * second AbortController: nothing listens to it, and an attempt then makes one controller.
   */
  deadline: DeadlineState;
  /** Stops the timer and lets go of the caller's signal; call once the attempt has settled. */
  dispose(): void;
  /**
   * Aborts `signal` once a failed attempt has settled, so the transport drops whatever it still
   * holds: the SDK may give up first (its own body timer) while the body is still arriving.
   */
  cancel(): void;
}

const settledReason = (): DOMException => new DOMException('The attempt has already settled', 'AbortError');

export function attemptSignals(timeoutMs: number, callerSignal: AbortSignal | undefined): AttemptSignals {
  const combined = new AbortController();
  const deadline = { aborted: false };
  const timer = setTimeout(() => {
    deadline.aborted = true;
    // The same reason `AbortSignal.timeout` gives, for anything that inspects it.
    combined.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  // Like `AbortSignal.timeout`: the request's socket keeps the process alive, the deadline must not.
  timer.unref();
  if (!callerSignal) {
    return {
      signal: combined.signal,
      deadline,
      dispose: () => clearTimeout(timer),
      // Only the deadline aborts the transport's signal here; aborting it would read as a timeout.
      cancel: () => undefined,
    };
  }
  const onCallerAbort = (): void => combined.abort(callerSignal.reason);
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: combined.signal,
    deadline,
    dispose: () => {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    },
    cancel: () => {
      if (!combined.signal.aborted) combined.abort(settledReason());
    },
  };
}
