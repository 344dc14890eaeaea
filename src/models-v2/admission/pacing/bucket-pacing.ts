// Pacing on the provider's rate buckets (docs/engine-rules.md "Admission"): the mirrors of one
// (provider, model, domain), fed by the rate-limit headers of every response, and the wait the
// head of the queue sits out until its cost fits. Used by the capacity policy; pure apart from
// the mirrors it keeps (no timers: the gate runs the wait).
import type { AdmissionOutcome } from '../admission.ts';
import { RateBucketMirror } from './rate-bucket-mirror.ts';
import type { RateLimitReading } from './rate-limit-headers.ts';

/** A pacing wait never exceeds this, whatever a header says (a daily bucket must not freeze a job). */
export const MAX_PACING_WAIT_MS = 60_000;

/** The request and token buckets as mirrored so far (none before the first reading). */
export interface Buckets {
  requests?: RateBucketMirror;
  tokens?: RateBucketMirror;
}

/** Where a reading stands: when and as which admission its attempt went out, and the spend through it. */
export interface ReadingPosition {
  admittedAt: number;
  seq: number;
  requestsThrough: number;
  tokensThrough: number;
}

/** How long an attempt costing `tokens` must wait at `now`, given what was spent so far. */
export function pacingWaitMs(buckets: Buckets, tokens: number, now: number, requestsSpent: number, tokensSpent: number): number {
  const requestWait = buckets.requests?.waitMs(1, now, requestsSpent) ?? 0;
  const tokenWait = tokens > 0 ? (buckets.tokens?.waitMs(tokens, now, tokensSpent) ?? 0) : 0;
  return Math.min(MAX_PACING_WAIT_MS, Math.max(requestWait, tokenWait));
}

/** Mirrors a response's reading (the first one creates the mirror). */
export function observeReading(buckets: Buckets, reading: RateLimitReading, position: ReadingPosition): void {
  if (reading.requests) {
    const at = { atMs: position.admittedAt, seq: position.seq, spentThrough: position.requestsThrough };
    if (buckets.requests) buckets.requests.observe(reading.requests, at);
    else buckets.requests = new RateBucketMirror(reading.requests, at);
  }
  if (reading.tokens) {
    const at = { atMs: position.admittedAt, seq: position.seq, spentThrough: position.tokensThrough };
    if (buckets.tokens) buckets.tokens.observe(reading.tokens, at);
    else buckets.tokens = new RateBucketMirror(reading.tokens, at);
  }
}

/** The readings an outcome carried, as the mirrors now hold them, for the shared buckets. */
export function sharedReadings(buckets: Buckets, outcome: AdmissionOutcome) {
  return {
    ...(outcome.rateLimits?.requests && buckets.requests ? { requests: buckets.requests.sharedReading() } : {}),
    ...(outcome.rateLimits?.tokens && buckets.tokens ? { tokens: buckets.tokens.sharedReading() } : {}),
  };
}

export function bucketSnapshot(bucket: RateBucketMirror, now: number, spentNow: number) {
  return {
    limit: bucket.limit,
    estimatedRemaining: Math.floor(bucket.estimatedRemaining(now, spentNow)),
    refillPerSecond: Math.round(bucket.refillPerSecond * 100) / 100,
  };
}
