// Admission before every attempt: the retry executor asks a throttle for a permit and reports how
// the attempt ended. Two policies implement it (docs/engine-rules.md "Admission"): the default
// capacity-seeking one (capacity-admission.ts) and the source system's AIMD (aimd-admission.ts).
import type { AdmissionSnapshot, ThrottleDomain } from '../../core/admission-snapshot.ts';
import type { Runtime } from '../../core/model-client.ts';
import type { RateLimitReading } from './pacing/rate-limit-headers.ts';

export type { AdmissionPolicyName, AdmissionSnapshot, BucketSnapshot, LimitChange, ThrottleDomain } from '../../core/admission-snapshot.ts';

export type ThrottleOutcome =
  | { kind: 'success'; rateLimits?: RateLimitReading }
  | { kind: 'rate_limited'; retryAfterMs?: number; rateLimits?: RateLimitReading }
  | { kind: 'failure'; rateLimits?: RateLimitReading };

export interface ThrottlePermit {
  /** Called exactly once per permit; later calls are ignored. */
  release(outcome: ThrottleOutcome): void;
}

export interface AdmissionDemand {
  /** Estimated tokens the attempt draws from a token-rate bucket (prompt + max output). */
  tokens?: number;
  /** Named in the admission-timeout error. */
  modelAlias?: string;
}

export interface RequestThrottle {
  /**
   * Resolves when an attempt may start; rejects with the signal's reason when aborted, or with
   * `ModelRequestAdmissionTimeoutError` when a queue deadline is configured and passes first.
   */
  acquire(domain: ThrottleDomain, runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<ThrottlePermit>;
  /** One entry per domain that has seen traffic; `now` (epoch ms) dates the bucket estimates. */
  snapshot(now?: number): AdmissionSnapshot[];
}

const noopPermit: ThrottlePermit = { release: () => {} };

export const unthrottled: RequestThrottle = {
  acquire: async (_domain, _runtime, signal) => {
    if (signal?.aborted) throw signal.reason;
    return noopPermit;
  },
  snapshot: () => [],
};
