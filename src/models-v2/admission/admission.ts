// Admission before every attempt: the retry executor asks the (provider, model) admission for a
// permit and reports how the attempt ended. Two policies implement it (docs/engine-rules.md
// "Admission"): the default capacity-seeking one (capacity-admission.ts) and the source system's
// AIMD (aimd-admission.ts). Both wait in one gate (admission-gate.ts) and decide with a pure limit
// algorithm (limits/); admission-registry.ts builds one per (provider, model).
import type { AdmissionDomain, AdmissionSnapshot } from '../../core/admission-snapshot.ts';
import type { Runtime } from '../../core/model-client.ts';
import type { RateLimitReading } from './pacing/rate-limit-headers.ts';

export type {
  AdmissionDomain,
  AdmissionPolicyName,
  AdmissionSnapshot,
  LimitChange,
  ThrottleDomain,
} from '../../core/admission-snapshot.ts';

export type AdmissionOutcome =
  | { kind: 'success'; rateLimits?: RateLimitReading }
  | { kind: 'rate_limited'; retryAfterMs?: number; rateLimits?: RateLimitReading }
  | { kind: 'failure'; rateLimits?: RateLimitReading };

export interface AdmissionPermit {
  /** Called exactly once per permit; later calls are ignored. */
  release(outcome: AdmissionOutcome): void;
}

export interface AdmissionDemand {
  /** Estimated tokens the attempt draws from a token-rate bucket (prompt + max output). */
  tokens?: number;
  /** Named in the admission-timeout error. */
  modelAlias?: string;
  /** A retry of a call admitted before (refused or failed): not new demand. */
  retry?: boolean;
}

export interface Admission {
  /**
   * Resolves when an attempt may start; rejects with the signal's reason when aborted, or with
   * `ModelRequestAdmissionTimeoutError` when a queue deadline is configured and passes first.
   */
  acquire(domain: AdmissionDomain, runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<AdmissionPermit>;
  /** One entry per domain that has seen traffic; `now` (epoch ms) dates the bucket estimates. */
  snapshot(now?: number): AdmissionSnapshot[];
}

/** @deprecated former names, kept for importers of `src/models-v2/index.ts`. */
export type RequestThrottle = Admission;
/** @deprecated see `AdmissionOutcome`. */
export type ThrottleOutcome = AdmissionOutcome;
/** @deprecated see `AdmissionPermit`. */
export type ThrottlePermit = AdmissionPermit;

const noopPermit: AdmissionPermit = { release: () => {} };

/** Admits every attempt at once (no limit): for callers that run without admission. */
export const unlimitedAdmission: Admission = {
  acquire: async (_domain, _runtime, signal) => {
    if (signal?.aborted) throw signal.reason;
    return noopPermit;
  },
  snapshot: () => [],
};
