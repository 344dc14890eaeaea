// A call the caller cancelled rejects with the caller's own abort reason, rethrown as is by both
// engines and the tool loop (docs/engine-rules.md, "Cancellation"). It is not a failure of the
// model: the facade neither wraps it nor counts it as a failed request.
export function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && error === signal.reason;
}
