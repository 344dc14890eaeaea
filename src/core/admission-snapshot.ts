// What admission knows at a moment, per (provider, model, domain): the same shape from both
// engines, so the registry can show it whichever engine serves an alias.

export type AdmissionDomain = 'chat' | 'embedding';
/** @deprecated the former name of `AdmissionDomain`, kept for importers of the public API. */
export type ThrottleDomain = AdmissionDomain;

/** v2's `capacity` (default) and `aimd` policies; legacy's `fixed` maxParallelRequests limit. */
export type AdmissionPolicyName = 'capacity' | 'aimd' | 'fixed';

export interface LimitChange {
  /** Epoch ms, from the runtime's clock. */
  at: number;
  from: number;
  to: number;
  reason: string;
}

export interface BucketSnapshot {
  /** The provider's per-minute allowance, from its headers. */
  limit: number;
  /** What admission estimates is left now (may be negative while attempts are in flight). */
  estimatedRemaining: number;
  /** How fast admission believes the bucket refills, per second. */
  refillPerSecond: number;
}

/** Where the admission state lives (docs/engine-rules.md "Shared admission store"). */
export interface StoreSnapshot {
  type: 'local' | 'redis';
  /** redis: whether the shared state is in use now (false: this worker runs on its local fallback). */
  connected?: boolean;
  /** redis: the URL with its password masked. */
  target?: string;
  /** redis: live workers sharing the state, as last seen. */
  liveWorkers?: number;
  /** Set when the configured store is not used: legacy keeps its fixed limit whatever the store. */
  ignored?: string;
}

export interface AdmissionSnapshot {
  policy: AdmissionPolicyName;
  /** Every alias sharing this (provider, model). */
  aliases: string[];
  model: string;
  provider: string;
  domain: AdmissionDomain;
  /** The smallest maxParallelRequests among the aliases. */
  cap: number;
  /** Attempts allowed in flight now. */
  limit: number;
  inFlight: number;
  queued: number;
  /** capacity: the limit at which unexplained 429s last crowded (diagnostic). */
  ceiling?: number;
  /** aimd: no attempt starts before this (epoch ms). */
  blockedUntil?: number;
  requests?: BucketSnapshot;
  tokens?: BucketSnapshot;
  lastChange?: LimitChange;
  /** The admission store (v2 capacity policy; legacy shows it as ignored). */
  store?: StoreSnapshot;
}
