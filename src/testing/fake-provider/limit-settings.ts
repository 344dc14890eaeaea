// The fake provider's limits — what it admits — and the schedule that changes them while it runs.
// `null` means "no such limit"; a schedule step only changes the keys it names.
import { z } from 'zod';

const positive = z.number().positive();
const positiveInt = z.int().min(1);

/** Every limit a schedule step may change. */
export const limitChangeSchema = z.strictObject({
  /** Requests in flight at once; `null` = unlimited. */
  capacity: positiveInt.nullable().optional(),
  /** Request-rate bucket refill, requests per minute; `null` = no request-rate limit. */
  requestsPerMinute: positive.nullable().optional(),
  /** Request-rate bucket size (burst); default = `requestsPerMinute`. */
  requestBurst: positiveInt.nullable().optional(),
  /** Token-rate bucket refill, tokens per minute (prompt + max_tokens); `null` = no token-rate limit. */
  tokensPerMinute: positive.nullable().optional(),
  /** Token-rate bucket size (burst); default = `tokensPerMinute`. */
  tokenBurst: positiveInt.nullable().optional(),
  /** Probability in [0, 1] of a transient 429/529 on an admitted request. */
  noiseRate: z.number().min(0).max(1).optional(),
});
export type LimitChange = z.output<typeof limitChangeSchema>;

export const scheduleSchema = z
  .array(limitChangeSchema.extend({ atSeconds: z.number().min(0) }).strict())
  .transform((steps) => [...steps].sort((a, b) => a.atSeconds - b.atSeconds));
export type ScheduleStep = z.output<typeof scheduleSchema>[number];
export type ScheduleInput = z.input<typeof scheduleSchema>;

/** The limits in force at one moment (what `stats().limits` reports). */
export interface LimitSettings {
  capacity: number | null;
  requestsPerMinute: number | null;
  requestBurst: number | null;
  tokensPerMinute: number | null;
  tokenBurst: number | null;
  noiseRate: number;
}

export const NO_LIMITS: LimitSettings = {
  capacity: null,
  requestsPerMinute: null,
  requestBurst: null,
  tokensPerMinute: null,
  tokenBurst: null,
  noiseRate: 0,
};

/** `base` with the keys `change` names replaced (`undefined` keys leave the value alone). */
export function applyLimitChange(base: LimitSettings, change: LimitChange): LimitSettings {
  const next = { ...base };
  for (const key of Object.keys(NO_LIMITS) as (keyof LimitSettings)[]) {
    const value = change[key];
    if (value !== undefined) (next as Record<string, number | null>)[key] = value;
  }
  return next;
}

/** A burst defaults to one minute's worth, as OpenAI's documented sample (limit 60, reset "1s" after one request). */
export function burstOf(perMinute: number, burst: number | null): number {
  return burst ?? Math.max(1, Math.ceil(perMinute));
}
