// The default v2 admission policy: reach the provider's capacity without storming it
// (docs/engine-rules.md "Admission", which records why it departs from SPEC §7's AIMD).
//
// - A 429 is news about one limit. When the provider's rate-limit headers explain it (a request
//   or token bucket is empty), it is the pacing's business; the concurrency limit is untouched.
// - Rate buckets are mirrored from the headers of every response, so attempts are paced before
//   the provider has to refuse them.
// - An unexplained 429 lowers the concurrency limit only when 429s crowd the recent admissions
//   (at least 4, and a quarter of the last 64 at the current limit). An isolated 429 is noise,
//   whether or not a probe is under way.
//   The new limit is what the provider was actually serving: the attempts still in flight that
//   were admitted before the refused one.
// - After a full round of successes at a limit that demand filled, the limit probes
//   upward: +1 after a refusal, doubling while probes keep succeeding, with the wait between
//   failed probes doubling from 250 ms to 1 s (a provider that grows is found within about
//   1.5 s; a refused probe costs a few 429s, each only to the attempt that got it).
// - The attempt that got a 429 honours its Retry-After (the retry executor); nothing else stops.
// - Admission is FIFO, cancellable, and bounded by `admission.queueTimeoutSeconds` when set.
import type { Runtime } from '../core/model-client.ts';
import type {
  AdmissionDemand,
  AdmissionSnapshot,
  LimitChange,
  RequestThrottle,
  ThrottleDomain,
  ThrottleOutcome,
  ThrottlePermit,
} from './admission.ts';
import { type AdmissionContext, admissionTimeout, logLimitChange, snapshotHeader } from './admission-context.ts';
import { RateBucketMirror } from './rate-bucket-mirror.ts';
import type { RateLimitReading } from './rate-limit-headers.ts';

/**
 * The most recent admissions (at the current limit) that 429s are counted against. Admissions,
 * not outcomes: refusals come back at once and successes a latency later, so a share of
 * outcomes would see a few noise 429s as a crowd just after every change.
 */
export const CROWDING_WINDOW = 64;
/** Unexplained 429s among those admissions, at least this many and this share, mean "over the ceiling". */
export const CROWDING_MIN_COUNT = 4;
export const CROWDING_MIN_SHARE = 0.25;
export const PROBE_INTERVAL_MIN_MS = 250;
export const PROBE_INTERVAL_MAX_MS = 1_000;
/** A pacing wait never exceeds this, whatever a header says (a daily bucket must not freeze a job). */
export const MAX_PACING_WAIT_MS = 60_000;

interface Waiter {
  tokens: number;
  modelAlias?: string;
  runtime: Runtime;
  grant(permit: ThrottlePermit): void;
  fail(reason: unknown): void;
  /** Set once the waiter sat out a pacing wait: it goes next, whatever the clock says. */
  paced: boolean;
}

interface Ticket {
  seq: number;
  admittedAt: number;
  tokens: number;
  requestsThrough: number;
  tokensThrough: number;
}

interface DomainState {
  limit: number;
  inFlight: Set<number>;
  queue: Waiter[];
  /** Admissions so far; also the cumulative request cost. */
  seq: number;
  tokensSpent: number;
  /** Attempts admitted after this one are judged at the current limit. */
  changeSeq: number;
  /** Successes of attempts admitted at the current limit. */
  provenAtLimit: number;
  /** Whether demand filled the current limit at some point: only a used limit is worth raising. */
  saturated: boolean;
  /** Admission numbers of recent attempts (at the current limit) refused with an unexplained 429. */
  refused: number[];
  /** Limit before the current probe, while a probe is unconfirmed. */
  probeFrom?: number;
  /** The last raise held for a full round: the next one may take a bigger step. */
  probeHeld: boolean;
  probeStep: number;
  probeIntervalMs: number;
  nextProbeAt: number;
  /** The limit at which 429s last crowded (diagnostic). */
  ceiling?: number;
  /** The clock of the last call admitted for: snapshots and cap changes are dated by it. */
  clock?: Pick<Runtime, 'now'>;
  requests?: RateBucketMirror;
  tokens?: RateBucketMirror;
  /** The waiter a pacing timer is running for, when it fires (runtime clock), and how to stop it. */
  pacing?: { waiter: Waiter; until: number; stop: AbortController };
  lastChange?: LimitChange;
}

export class CapacityAdmission implements RequestThrottle {
  #cap: number;
  readonly #context: AdmissionContext;
  readonly #domains = new Map<ThrottleDomain, DomainState>();

  constructor(cap: number, context: AdmissionContext) {
    this.#cap = Math.max(1, Math.floor(cap));
    this.#context = context;
  }

  get cap(): number {
    return this.#cap;
  }

  /** Another alias of the same model registered: the cap only ever tightens. */
  clampCap(cap: number): void {
    this.#cap = Math.max(1, Math.min(this.#cap, Math.floor(cap)));
    for (const [domain, state] of this.#domains) {
      if (state.limit > this.#cap) this.#setLimit(domain, state, this.#cap, nowOf(state), 'a smaller maxParallelRequests registered');
    }
  }

  snapshot(at?: number): AdmissionSnapshot[] {
    return [...this.#domains].map(([domain, state]) => this.#snapshotOf(domain, state, at ?? nowOf(state)));
  }

  #snapshotOf(domain: ThrottleDomain, state: DomainState, now: number): AdmissionSnapshot {
    return {
      ...snapshotHeader(this.#context, 'capacity', domain, this.#cap),
      limit: state.limit,
      inFlight: state.inFlight.size,
      queued: state.queue.length,
      ...(state.ceiling !== undefined ? { ceiling: state.ceiling } : {}),
      ...(state.requests ? { requests: bucketSnapshot(state.requests, now, state.seq) } : {}),
      ...(state.tokens ? { tokens: bucketSnapshot(state.tokens, now, state.tokensSpent) } : {}),
      ...(state.lastChange ? { lastChange: { ...state.lastChange } } : {}),
    };
  }

  acquire(domain: ThrottleDomain, runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<ThrottlePermit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.#state(domain);
    state.clock = runtime;
    return new Promise<ThrottlePermit>((resolve, reject) => {
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const settle = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (deadline !== undefined) clearTimeout(deadline);
      };
      const waiter: Waiter = {
        tokens: Math.max(0, demand?.tokens ?? 0),
        modelAlias: demand?.modelAlias,
        runtime,
        paced: false,
        grant: (permit) => {
          settle();
          resolve(permit);
        },
        fail: (reason) => {
          settle();
          reject(reason);
        },
      };
      const leave = (reason: unknown): void => {
        const index = state.queue.indexOf(waiter);
        if (index < 0) return;
        state.queue.splice(index, 1);
        stopPacing(state, waiter);
        waiter.fail(reason);
        this.#pump(domain, state);
      };
      const onAbort = (): void => leave(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const timeoutMs = this.#context.queueTimeoutMs;
      if (timeoutMs !== undefined) deadline = setTimeout(() => leave(admissionTimeout(this.#context, waiter.modelAlias)), timeoutMs);
      state.queue.push(waiter);
      this.#pump(domain, state);
    });
  }

  /** Admits from the head of the queue while the limit and the rate buckets allow (FIFO: nobody overtakes). */
  #pump(domain: ThrottleDomain, state: DomainState): void {
    while (state.queue.length > 0 && state.inFlight.size < state.limit) {
      const head = state.queue[0];
      const now = head.runtime.now();
      if (!head.paced) {
        const wait = this.#pacingWaitMs(state, head, now);
        if (wait > 0) {
          this.#pace(domain, state, head, wait);
          return;
        }
      }
      stopPacing(state, head);
      state.queue.shift();
      head.grant(this.#admit(domain, state, head, now));
    }
  }

  #pacingWaitMs(state: DomainState, waiter: Waiter, now: number): number {
    const requestWait = state.requests?.waitMs(1, now, state.seq) ?? 0;
    const tokenWait = waiter.tokens > 0 ? (state.tokens?.waitMs(waiter.tokens, now, state.tokensSpent) ?? 0) : 0;
    return Math.min(MAX_PACING_WAIT_MS, Math.max(requestWait, tokenWait));
  }

  /** One timer at a time, for the head of the queue; when it fires the head goes next. */
  #pace(domain: ThrottleDomain, state: DomainState, head: Waiter, waitMs: number): void {
    const until = head.runtime.now() + waitMs;
    // A timer already running for the head stays unless a newer reading brings the wait forward.
    if (state.pacing?.waiter === head && state.pacing.until <= until) return;
    state.pacing?.stop.abort();
    const stop = new AbortController();
    state.pacing = { waiter: head, until, stop };
    head.runtime.sleep(waitMs, stop.signal).then(
      () => {
        if (state.pacing?.waiter !== head) return;
        state.pacing = undefined;
        head.paced = true;
        this.#pump(domain, state);
      },
      () => {},
    );
  }

  #admit(domain: ThrottleDomain, state: DomainState, waiter: Waiter, now: number): ThrottlePermit {
    state.seq += 1;
    state.tokensSpent += waiter.tokens;
    const ticket: Ticket = {
      seq: state.seq,
      admittedAt: now,
      tokens: waiter.tokens,
      requestsThrough: state.seq,
      tokensThrough: state.tokensSpent,
    };
    state.inFlight.add(ticket.seq);
    if (state.inFlight.size >= state.limit) state.saturated = true;
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        state.inFlight.delete(ticket.seq);
        this.#learn(domain, state, ticket, outcome, waiter.runtime.now());
        this.#pump(domain, state);
      },
    };
  }

  #learn(domain: ThrottleDomain, state: DomainState, ticket: Ticket, outcome: ThrottleOutcome, now: number): void {
    if (outcome.rateLimits) this.#observe(state, ticket, outcome.rateLimits);
    const current = ticket.seq > state.changeSeq;
    if (outcome.kind === 'success') {
      if (!current) return;
      state.provenAtLimit += 1;
      if (state.probeFrom !== undefined && state.provenAtLimit >= state.limit) {
        // The probe held for a full round: the level is proven, a later crowd is not its refusal.
        state.probeFrom = undefined;
        state.probeHeld = true;
      }
      this.#maybeRaise(domain, state, now);
      return;
    }
    if (outcome.kind !== 'rate_limited') return;
    const reading = outcome.rateLimits;
    const requestsEmpty = RateBucketMirror.exhausted(reading?.requests, 1);
    const tokensEmpty = RateBucketMirror.exhausted(reading?.tokens, ticket.tokens);
    // Refused for an empty bucket: the provider did not spend the attempt (any other 429 may have).
    if (requestsEmpty || tokensEmpty) {
      state.requests?.refused(ticket.seq, 1);
      state.tokens?.refused(ticket.seq, ticket.tokens);
      return;
    }
    if (!current) return;
    const windowStart = Math.max(state.changeSeq, state.seq - CROWDING_WINDOW);
    state.refused = state.refused.filter((seq) => seq > windowStart);
    // An attempt admitted before the window (a slow one) is not news about the recent admissions.
    if (ticket.seq <= windowStart) return;
    state.refused.push(ticket.seq);
    const admitted = state.seq - windowStart;
    const refused = state.refused.length;
    // An isolated 429 is noise: only its own attempt waits (its Retry-After, in the executor).
    if (refused < CROWDING_MIN_COUNT || refused < CROWDING_MIN_SHARE * admitted) return;
    // Over the ceiling: fall to what the provider was serving, the attempts still in flight that
    // were admitted before this one; a refused probe falls back no lower than where it started.
    const from = state.limit;
    const probeFrom = state.probeFrom;
    const servedBefore = [...state.inFlight].filter((seq) => seq < ticket.seq).length;
    const to = Math.max(probeFrom ?? 1, Math.min(servedBefore, from - 1));
    state.ceiling = from;
    state.probeIntervalMs = probeFrom === undefined ? PROBE_INTERVAL_MIN_MS : Math.min(PROBE_INTERVAL_MAX_MS, state.probeIntervalMs * 2);
    const why = `${refused} of the last ${admitted} attempts got 429 without an empty rate bucket`;
    this.#setLimit(domain, state, to, now, probeFrom === undefined ? why : `probe refused: ${why}`);
    state.probeStep = 1;
    state.nextProbeAt = now + state.probeIntervalMs;
  }

  #maybeRaise(domain: ThrottleDomain, state: DomainState, now: number): void {
    if (state.limit >= this.#cap || !state.saturated) return;
    if (state.provenAtLimit < state.limit || now < state.nextProbeAt) return;
    const confirmed = state.probeHeld;
    const step = confirmed ? state.probeStep * 2 : state.probeStep;
    if (confirmed) state.probeIntervalMs = PROBE_INTERVAL_MIN_MS;
    const from = state.limit;
    this.#setLimit(domain, state, Math.min(this.#cap, from + step), now, `probing: ${state.provenAtLimit} successes at ${from}, all of it in use`);
    state.probeFrom = from;
    state.probeStep = step;
  }

  #setLimit(domain: ThrottleDomain, state: DomainState, to: number, now: number, reason: string): void {
    const from = state.limit;
    state.limit = to;
    state.changeSeq = state.seq;
    state.provenAtLimit = 0;
    state.saturated = false;
    state.refused = [];
    state.probeFrom = undefined;
    state.probeHeld = false;
    if (from === to) return;
    state.lastChange = { at: now, from, to, reason };
    logLimitChange(this.#context, domain, state.lastChange);
  }

  #observe(state: DomainState, ticket: Ticket, reading: RateLimitReading): void {
    if (reading.requests) {
      const at = { atMs: ticket.admittedAt, seq: ticket.seq, spentThrough: ticket.requestsThrough };
      if (state.requests) state.requests.observe(reading.requests, at);
      else state.requests = new RateBucketMirror(reading.requests, at);
    }
    if (reading.tokens) {
      const at = { atMs: ticket.admittedAt, seq: ticket.seq, spentThrough: ticket.tokensThrough };
      if (state.tokens) state.tokens.observe(reading.tokens, at);
      else state.tokens = new RateBucketMirror(reading.tokens, at);
    }
  }

  #state(domain: ThrottleDomain): DomainState {
    let state = this.#domains.get(domain);
    if (!state) {
      state = {
        limit: this.#cap,
        inFlight: new Set(),
        queue: [],
        seq: 0,
        tokensSpent: 0,
        changeSeq: 0,
        provenAtLimit: 0,
        saturated: false,
        refused: [],
        probeHeld: false,
        probeStep: 1,
        probeIntervalMs: PROBE_INTERVAL_MIN_MS,
        nextProbeAt: Number.NEGATIVE_INFINITY,
      };
      this.#domains.set(domain, state);
    }
    return state;
  }
}

function bucketSnapshot(bucket: RateBucketMirror, now: number, spentNow: number) {
  return {
    limit: bucket.limit,
    estimatedRemaining: Math.floor(bucket.estimatedRemaining(now, spentNow)),
    refillPerSecond: Math.round(bucket.refillPerSecond * 100) / 100,
  };
}

function stopPacing(state: DomainState, waiter: Waiter): void {
  if (state.pacing?.waiter !== waiter) return;
  state.pacing.stop.abort();
  state.pacing = undefined;
}

function nowOf(state: DomainState): number {
  return state.clock?.now() ?? Date.now();
}
