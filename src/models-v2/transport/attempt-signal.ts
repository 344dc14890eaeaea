// How an attempt's signal (our deadline + the caller's abort, attempt-deadline.ts) reaches the
// transport (transport/fetch.ts) without going through the SDK's `signal` option. Given a `signal`,
// the Stainless SDKs compose it per request (openai: `AbortSignal.any`, weak references and a
// FinalizationRegistry entry; anthropic: a listener plus a registry entry), which profiles put
// among the largest per-call costs. Passed as a field of the SDKs' public `fetchOptions` request
// option instead (spread into the `init` our fetch receives), the transport aborts on it
// directly. What the caller gets is unchanged: fromStainlessError reads the caller's signal and
// our deadline first, whatever error the SDK raised for the aborted fetch.

const ATTEMPT_SIGNAL = 'dataDesignerAttemptSignal';

type WithAttemptSignal = RequestInit & { [ATTEMPT_SIGNAL]?: AbortSignal };

/** The SDK request option that hands `signal` to our fetch (no RequestInit field of its own). */
export function attemptFetchOptions(signal: AbortSignal): Record<never, never> {
  // A literal key, not `[ATTEMPT_SIGNAL]`: V8 builds a computed-key literal the slow way, per call.
  return { dataDesignerAttemptSignal: signal } satisfies WithAttemptSignal;
}

/** The signal the transport obeys: the attempt's when given, else the init's own. */
export function transportSignal(init: RequestInit | undefined): AbortSignal | undefined {
  return (init as WithAttemptSignal | undefined)?.[ATTEMPT_SIGNAL] ?? init?.signal ?? undefined;
}
