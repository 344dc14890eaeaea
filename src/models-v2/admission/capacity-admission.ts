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
// - With a shared store (admission-store.ts, `admission.store`), the same decisions are taken on
//   the fleet's state: a slot is a lease granted by the store below the shared limit, the buckets
//   are the store's, a crowd's cut and a probe are applied by the store atomically (the first
//   worker to decide wins, the others adopt). While the store is unavailable this worker admits
//   alone with a 1/N share of the last shared limit (N = live workers seen).
import type { Runtime } from '../../core/model-client.ts';
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
import type { SharedAdmissionDomain, SharedLease } from './store/admission-store.ts';
import { RateBucketMirror } from './pacing/rate-bucket-mirror.ts';
import type { RateLimitReading } from './pacing/rate-limit-headers.ts';

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
/** Shared store: a queued head retries this often when no release was announced (bounded, no busy loop). */
export const SHARED_SLOT_RETRY_MS = 25;
/** Shared store: queued attempts one acquisition asks slots for (one round trip for all of them). */
export const SHARED_BATCH = 16;

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
  /** Shared store: the lease the attempt holds. */
  lease?: SharedLease;
}

/** Shared store: where this domain stands with the fleet's state. */
interface SharedState {
  domain: SharedAdmissionDomain;
  /** The version of the shared limit last adopted (-1: adopt whatever the store says next). */
  version: number;
  lastLimit?: number;
  /** A store acquisition, a wait for a slot or a proposed limit change is under way. */
  acquiring: boolean;
  waiting: boolean;
  changing: boolean;
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
  shared?: SharedState;
}

export type SharedDomainSource = (domain: ThrottleDomain) => SharedAdmissionDomain | undefined;

export class CapacityAdmission implements RequestThrottle {
  #cap: number;
  readonly #context: AdmissionContext;
  readonly #domains = new Map<ThrottleDomain, DomainState>();
  readonly #sharedSource?: SharedDomainSource;

  constructor(cap: number, context: AdmissionContext, shared?: SharedDomainSource) {
    this.#cap = Math.max(1, Math.floor(cap));
    this.#context = context;
    this.#sharedSource = shared;
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
    if (state.shared?.domain.connected) {
      this.#pumpShared(domain, state, state.shared);
      return;
    }
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

  /**
   * Shared store: one acquisition at a time per domain, for up to SHARED_BATCH of the queue's
   * head (FIFO within this worker) in one round trip; this worker's cap still bounds what it
   * runs. When the fleet is full the head waits for a release announced by the store, or
   * SHARED_SLOT_RETRY_MS; when a shared bucket is short, as long as the store says. A store
   * failure leaves the queue to the local path.
   */
  #pumpShared(domain: ThrottleDomain, state: DomainState, shared: SharedState): void {
    const room = Math.min(SHARED_BATCH, state.queue.length, this.#cap - state.inFlight.size);
    if (shared.acquiring || shared.waiting || room <= 0) return;
    const head = state.queue[0];
    shared.acquiring = true;
    const costs = state.queue.slice(0, room).map((waiter) => waiter.tokens);
    void shared.domain.acquire(costs, shared.lastLimit ?? state.limit).then((reply) => {
      shared.acquiring = false;
      if (!reply) {
        this.#pump(domain, state);
        return;
      }
      const now = head.runtime.now();
      this.#adopt(domain, state, shared, reply.limit, reply.version, now);
      if (reply.inFlight >= reply.limit) state.saturated = true;
      for (const lease of reply.grants) {
        // A waiter may have left (aborted) meanwhile: the slot goes to whoever is first now.
        const waiter = state.queue.shift();
        if (!waiter) {
          void shared.domain.release(lease.id, {});
          continue;
        }
        stopPacing(state, waiter);
        waiter.grant(this.#admit(domain, state, waiter, waiter.runtime.now(), lease));
      }
      if (reply.stop === 'done') {
        this.#pump(domain, state);
        return;
      }
      shared.waiting = true;
      const resume = (): void => {
        shared.waiting = false;
        this.#pump(domain, state);
      };
      if (reply.stop === 'paced') head.runtime.sleep(Math.min(MAX_PACING_WAIT_MS, reply.waitMs)).then(resume, resume);
      else void shared.domain.slotFreed(SHARED_SLOT_RETRY_MS).then(resume);
    });
  }

  /** Shared store: take the fleet's limit when another worker changed it. */
  #adopt(domain: ThrottleDomain, state: DomainState, shared: SharedState, limit: number, version: number, now: number): void {
    shared.lastLimit = limit;
    if (version === shared.version) return;
    shared.version = version;
    if (limit !== state.limit) this.#setLimit(domain, state, limit, now, 'the shared limit changed (another worker, or the store)');
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

  #admit(domain: ThrottleDomain, state: DomainState, waiter: Waiter, now: number, lease?: SharedLease): ThrottlePermit {
    state.seq += 1;
    state.tokensSpent += waiter.tokens;
    // Shared: the buckets are mirrored in the fleet's coordinates (server clock, fleet spend).
    const ticket: Ticket = lease
      ? { seq: state.seq, admittedAt: lease.admittedAt, tokens: waiter.tokens, requestsThrough: lease.requestsThrough, tokensThrough: lease.tokensThrough, lease }
      : { seq: state.seq, admittedAt: now, tokens: waiter.tokens, requestsThrough: state.seq, tokensThrough: state.tokensSpent };
    state.inFlight.add(ticket.seq);
    if (!lease && state.inFlight.size >= state.limit) state.saturated = true;
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        state.inFlight.delete(ticket.seq);
        this.#learn(domain, state, ticket, outcome, waiter.runtime.now());
        if (ticket.lease && state.shared) void state.shared.domain.release(ticket.lease.id, sharedReadings(state, outcome));
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
    const nextInterval = probeFrom === undefined ? PROBE_INTERVAL_MIN_MS : Math.min(PROBE_INTERVAL_MAX_MS, state.probeIntervalMs * 2);
    const why = `${refused} of the last ${admitted} attempts got 429 without an empty rate bucket`;
    const reason = probeFrom === undefined ? why : `probe refused: ${why}`;
    if (ticket.lease && state.shared?.domain.connected) {
      // The fleet's leases decide what the provider was serving; the store applies the cut once.
      const shared = state.shared;
      if (shared.changing) return;
      shared.changing = true;
      state.refused = [];
      void shared.domain.recordRefusal({ version: shared.version, refusedSeq: ticket.lease.seq, from, floor: probeFrom ?? 1, reason, probeIntervalMs: nextInterval }).then((reply) => {
        shared.changing = false;
        if (!reply) return;
        if (!reply.applied) {
          this.#adopt(domain, state, shared, reply.limit, reply.version, now);
          return;
        }
        shared.version = reply.version;
        shared.lastLimit = reply.limit;
        state.ceiling = from;
        state.probeIntervalMs = nextInterval;
        this.#setLimit(domain, state, reply.limit, now, reason);
        state.probeStep = 1;
        state.nextProbeAt = now + state.probeIntervalMs;
        this.#pump(domain, state);
      });
      return;
    }
    const servedBefore = [...state.inFlight].filter((seq) => seq < ticket.seq).length;
    const to = Math.max(probeFrom ?? 1, Math.min(servedBefore, from - 1));
    state.ceiling = from;
    state.probeIntervalMs = nextInterval;
    this.#setLimit(domain, state, to, now, reason);
    state.probeStep = 1;
    state.nextProbeAt = now + state.probeIntervalMs;
  }

  #maybeRaise(domain: ThrottleDomain, state: DomainState, now: number): void {
    const shared = state.shared?.domain.connected ? state.shared : undefined;
    // Shared: the limit is the fleet's, bounded by the caps of the live workers together.
    const cap = shared ? shared.domain.fleetCap : this.#cap;
    if (state.limit >= cap || !state.saturated) return;
    if (state.provenAtLimit < state.limit || now < state.nextProbeAt) return;
    const confirmed = state.probeHeld;
    const step = confirmed ? state.probeStep * 2 : state.probeStep;
    const from = state.limit;
    const to = Math.min(cap, from + step);
    const reason = `probing: ${state.provenAtLimit} successes at ${from}, all of it in use`;
    const probe = (): void => {
      if (confirmed) state.probeIntervalMs = PROBE_INTERVAL_MIN_MS;
      this.#setLimit(domain, state, to, now, reason);
      state.probeFrom = from;
      state.probeStep = step;
    };
    if (!shared) {
      probe();
      return;
    }
    if (shared.changing) return;
    shared.changing = true;
    void shared.domain.setLimit({ version: shared.version, to, reason }).then((reply) => {
      shared.changing = false;
      if (!reply) return;
      if (!reply.applied) {
        // Another worker changed the limit, or the fleet's probe back-off is still running.
        state.nextProbeAt = now + Math.max(0, reply.probeAt - reply.at);
        this.#adopt(domain, state, shared, reply.limit, reply.version, now);
        return;
      }
      shared.version = reply.version;
      shared.lastLimit = reply.limit;
      probe();
      this.#pump(domain, state);
    });
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
    // Shared: readings are ordered by the fleet's admission number, so any worker's newer reading wins.
    const seq = ticket.lease?.seq ?? ticket.seq;
    if (reading.requests) {
      const at = { atMs: ticket.admittedAt, seq, spentThrough: ticket.requestsThrough };
      if (state.requests) state.requests.observe(reading.requests, at);
      else state.requests = new RateBucketMirror(reading.requests, at);
    }
    if (reading.tokens) {
      const at = { atMs: ticket.admittedAt, seq, spentThrough: ticket.tokensThrough };
      if (state.tokens) state.tokens.observe(reading.tokens, at);
      else state.tokens = new RateBucketMirror(reading.tokens, at);
    }
  }

  /**
   * Shared store: when it falls back, this worker keeps a conservative share of the last shared
   * limit (÷ the live workers seen); when it rejoins, the next acquisition adopts the fleet's limit.
   */
  #share(domain: ThrottleDomain, state: DomainState, sharedDomain: SharedAdmissionDomain): void {
    const shared: SharedState = { domain: sharedDomain, version: -1, acquiring: false, waiting: false, changing: false };
    state.shared = shared;
    sharedDomain.onConnectionChange((connected) => {
      shared.version = -1;
      shared.changing = false;
      // The mirrors count in the fleet's coordinates while shared and in this worker's own on the
      // fallback: each side starts afresh from the next response's headers.
      state.requests = undefined;
      state.tokens = undefined;
      if (!connected) {
        const last = shared.lastLimit ?? state.limit;
        const workers = sharedDomain.liveWorkers;
        const share = Math.max(1, Math.min(this.#cap, Math.floor(last / workers)));
        this.#setLimit(domain, state, share, nowOf(state), `admission store unavailable: a 1/${workers} share of the last shared limit ${last}`);
      }
      this.#pump(domain, state);
    });
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
      const shared = this.#sharedSource?.(domain);
      if (shared) this.#share(domain, state, shared);
      this.#domains.set(domain, state);
    }
    return state;
  }
}

/** The readings an outcome carried, as the mirrors now hold them, for the shared buckets. */
function sharedReadings(state: DomainState, outcome: ThrottleOutcome) {
  return {
    ...(outcome.rateLimits?.requests && state.requests ? { requests: state.requests.sharedReading() } : {}),
    ...(outcome.rateLimits?.tokens && state.tokens ? { tokens: state.tokens.sharedReading() } : {}),
  };
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
