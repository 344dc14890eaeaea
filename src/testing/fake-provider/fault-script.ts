// Scripted faults: which requests fail and how. Rules are checked in order; the first one that
// fires decides the request's fate. Randomness comes from a seeded generator so a script with a
// rate replays the same failures on every run.
import { z } from 'zod';
import { PROVIDER_TYPES, type Operation, type ProviderType } from '../../core/types.ts';

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.int().min(400).max(599),
    /** Provider error type (OpenAI `type`, Anthropic `error.type`, Bedrock exception name). */
    type: z.string().optional(),
    message: z.string().optional(),
    /** `retry-after` header value (seconds or an HTTP-date), sent as given. */
    retryAfter: z.string().optional(),
    /** Extra response headers, e.g. `{"x-should-retry": "true"}` or `{"retry-after-ms": "250"}`. */
    headers: z.record(z.string(), z.string()).optional(),
    /** Replaces the provider-shaped body entirely (JSON value, or a string sent as text). */
    body: z.unknown().optional(),
  }),
  /** Waits, then answers normally (a latency spike). */
  z.strictObject({ kind: z.literal('delay'), ms: z.int().min(0) }),
  /** Closes the connection without answering. */
  z.strictObject({ kind: z.literal('reset') }),
  /**
   * Sends part of the normal answer. By default the connection closes mid-body (the client sees
   * a premature close); with `closeConnection: false` it is a complete response whose body is
   * cut JSON (a 200 that does not parse).
   */
  z.strictObject({
    kind: z.literal('truncate'),
    keepFraction: z.number().min(0).max(1).default(0.5),
    closeConnection: z.boolean().default(true),
  }),
]);
export type Fault = z.output<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

const ruleSchema = z
  .strictObject({
    match: z
      .strictObject({
        provider: z.enum(PROVIDER_TYPES as [ProviderType, ...ProviderType[]]).optional(),
        operation: z.enum(['chat', 'embedding']).optional(),
        /** Substring of the request path, e.g. "/converse" or "titan". */
        path: z.string().optional(),
        /**
         * Substring of the raw request body, e.g. `"inputText":"text 437"`: picks one text of a
         * concurrent batch, whose requests arrive in no fixed order.
         */
        body: z.string().min(1).optional(),
      })
      .optional(),
    /** 1-based ordinals, among the requests this rule matches, that fail: `[1, 2]` = the first two. */
    on: z.array(z.int().min(1)).optional(),
    /** Every Nth matching request fails. */
    every: z.int().min(1).optional(),
    /** Probability in [0, 1] that a matching request fails. */
    rate: z.number().min(0).max(1).optional(),
    /** Fires at most this many times. */
    times: z.int().min(1).optional(),
    /** One fault, or several to pick from at random each time the rule fires. */
    fault: z.union([faultSchema, z.array(faultSchema).min(1)]),
  })
  .refine((rule) => [rule.on, rule.every, rule.rate].filter((v) => v !== undefined).length <= 1, {
    message: 'a rule takes at most one of "on", "every", "rate" (none = every matching request)',
  });
export type FaultRule = z.output<typeof ruleSchema>;
export type FaultRuleInput = z.input<typeof ruleSchema>;

export const faultScriptSchema = z.union([
  z.strictObject({ seed: z.int().optional(), faults: z.array(ruleSchema) }),
  // A bare list of rules is accepted too: the common case needs no seed.
  z.array(ruleSchema).transform((faults) => ({ faults, seed: undefined as number | undefined })),
]);
export type FaultScript = { seed?: number; faults: FaultRule[] };
export type FaultScriptInput = z.input<typeof faultScriptSchema>;

/** mulberry32: tiny, seedable and good enough to pick which request fails. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `status:503`, `reset`, `truncate`, `delay:2000` — the short form the CLI's `--fault` takes. */
export function parseFaultSpec(spec: string): Fault {
  const [kind, arg] = spec.split(':', 2);
  const number = arg === undefined ? Number.NaN : Number(arg);
  let candidate: unknown;
  if (kind === 'status') candidate = { kind, status: number };
  else if (kind === 'delay') candidate = { kind, ms: number };
  else if ((kind === 'reset' || kind === 'truncate') && arg === undefined) candidate = { kind };
  const parsed = faultSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(`invalid fault "${spec}": use status:<400-599>, delay:<ms>, reset or truncate`);
  }
  return parsed.data;
}

export interface FaultTarget {
  provider: ProviderType;
  operation: Operation;
  path: string;
  /** The raw request body, as received. */
  body?: string;
}

/** Holds each rule's counters; one per server. */
export class FaultPlan {
  readonly #rules: FaultRule[];
  readonly #seen: number[];
  readonly #fired: number[];
  readonly #random: () => number;

  constructor(script: FaultScript, seed = 1) {
    this.#rules = script.faults;
    this.#seen = script.faults.map(() => 0);
    this.#fired = script.faults.map(() => 0);
    this.#random = seededRandom(script.seed ?? seed);
  }

  /** The fault for this request, if a rule fires. */
  next(target: FaultTarget): Fault | undefined {
    let chosen: number | undefined;
    // Every matching rule counts the request (and draws its random number), even when an
    // earlier rule fires: `on: [2]` means the second matching request, whatever other rules did.
    for (const [i, rule] of this.#rules.entries()) {
      const match = rule.match;
      if (match?.provider !== undefined && match.provider !== target.provider) continue;
      if (match?.operation !== undefined && match.operation !== target.operation) continue;
      if (match?.path !== undefined && !target.path.includes(match.path)) continue;
      if (match?.body !== undefined && !(target.body ?? '').includes(match.body)) continue;
      const ordinal = ++this.#seen[i];
      let fires = true;
      if (rule.on) fires = rule.on.includes(ordinal);
      else if (rule.every !== undefined) fires = ordinal % rule.every === 0;
      else if (rule.rate !== undefined) fires = this.#random() < rule.rate;
      if (rule.times !== undefined && this.#fired[i] >= rule.times) fires = false;
      if (fires && chosen === undefined) chosen = i;
    }
    if (chosen === undefined) return undefined;
    this.#fired[chosen]++;
    const fault = this.#rules[chosen].fault;
    return Array.isArray(fault) ? fault[Math.floor(this.#random() * fault.length)] : fault;
  }
}
