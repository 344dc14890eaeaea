// The one retry loop of the v2 engine. Every SDK runs with its own retries off, so the attempts a
// provider sees are exactly the ones made here, under the same policy for all three providers.
import { DataDesignerError, ModelRateLimitError } from '../../core/errors.ts';
import type { CallObserver, Runtime } from '../../core/model-client.ts';
import type { AdmissionDemand, Admission, AdmissionDomain, AdmissionOutcome } from '../admission/admission.ts';
import type { HeaderLookup } from '../transport/header-lookup.ts';
import { type RateLimitReading, readRateLimitHeaders } from '../admission/pacing/rate-limit-headers.ts';
import { retryBudget, retryDelayMs } from './retry-policy.ts';

/** An attempt hands the response headers it saw (success or error) to admission through this. */
export type ObserveHeaders = (header: HeaderLookup) => void;

export interface RetryExecution {
  runtime: Runtime;
  admission: Admission;
  domain: AdmissionDomain;
  /** What one attempt draws from the provider's buckets, and the alias to name in admission errors. */
  demand?: AdmissionDemand;
  /**
   * The call's signal (the caller's abort or the client's close()): cancels admission, the
   * attempt in flight and backoff sleeps; its reason is rethrown as is.
   */
  signal?: AbortSignal;
  /**
   * True once the client is closed: a failed attempt is then final. Its SDK client and sockets
   * are released, so a retry could only fail again after a real wait (or, for Bedrock, open
   * sockets on a destroyed agent that nothing will ever close).
   */
  stopped?: () => boolean;
  /** Told each attempt's start (with its admission wait) and end; absent costs nothing. */
  observer?: CallObserver;
}

/**
 * Runs `attempt` until it succeeds or the policy gives up. `attempt` must throw a mapped
 * `DataDesignerError` for provider failures; anything else (the caller's abort reason, a bug)
 * is rethrown at once without a retry.
 */
export async function executeWithRetries<T>(
  attempt: (retriesMade: number, observe: ObserveHeaders) => Promise<T>,
  execution: RetryExecution,
): Promise<T> {
  const { runtime, admission, domain, demand, signal, stopped, observer } = execution;
  for (let retriesMade = 0; ; retriesMade += 1) {
    if (signal?.aborted) throw signal.reason;
    const waitStartedAt = observer ? runtime.now() : 0;
    const permit = await admission.acquire(domain, runtime, signal, retriesMade > 0 ? { ...demand, retry: true } : demand);
    const observed = observer?.attemptStarted({ attempt: retriesMade + 1, admissionWaitMs: runtime.now() - waitStartedAt });
    let rateLimits: RateLimitReading | undefined;
    const observe: ObserveHeaders = (header) => {
      rateLimits = readRateLimitHeaders(header, runtime.now()) ?? rateLimits;
    };
    let result: T;
    try {
      result = await attempt(retriesMade, observe);
    } catch (error) {
      permit.release(outcomeOf(error, rateLimits));
      observed?.attemptEnded(error);
      if (signal?.aborted) throw signal.reason;
      if (!(error instanceof DataDesignerError)) throw error;
      if (stopped?.() || retriesMade >= retryBudget(error)) throw error;
      const delayMs = retryDelayMs(retriesMade, runtime.random(), error.retryAfterMs);
      observer?.retryScheduled?.(delayMs);
      await runtime.sleep(delayMs, signal);
      if (stopped?.()) throw error;
      continue;
    }
    permit.release(rateLimits ? { kind: 'success', rateLimits } : { kind: 'success' });
    observed?.attemptEnded();
    return result;
  }
}

function outcomeOf(error: unknown, rateLimits: RateLimitReading | undefined): AdmissionOutcome {
  if (error instanceof ModelRateLimitError) return { kind: 'rate_limited', retryAfterMs: error.retryAfterMs, rateLimits };
  return { kind: 'failure', rateLimits };
}
