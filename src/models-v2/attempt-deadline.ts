// One attempt's client deadline as an AbortSignal, combined with the caller's signal. The SDKs'
// own `timeout` options stop at the response headers; this signal also covers reading the body,
// so a server that stalls mid-body still ends in ModelTimeoutError.

export interface AttemptSignals {
  /** Aborts on the deadline or the caller's signal: hand this to the SDK. */
  signal: AbortSignal;
  /** Aborts only on the deadline: tells our timeout apart from the caller's cancel. */
  deadline: AbortSignal;
}

export function attemptSignals(timeoutMs: number, callerSignal: AbortSignal | undefined): AttemptSignals {
  const deadline = AbortSignal.timeout(timeoutMs);
  return { deadline, signal: callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline };
}
