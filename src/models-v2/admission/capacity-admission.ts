// The default v2 admission policy: reach the provider's capacity without storming it
// (docs/engine-rules.md "Admission", which records why it departs from docs/contract.md "Retries, timeouts, admission"'s AIMD).
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
// - Admission is FIFO, cancellable, and bounded by `admission.queueTimeoutSeconds` when set: the
//   gate both policies share (admission-gate.ts); the limit arithmetic is limits/capacity-limit.ts.
// - With a shared store (store/admission-store.ts, `admission.store`), the same decisions are taken on
//   the fleet's state: a slot is a lease granted by the store below the shared limit, the buckets
//   are the store's, a crowd's cut and a probe are applied by the store atomically (the first
//   worker to decide wins, the others adopt). While the store is unavailable this worker admits
//   alone with a 1/N share of the last shared limit (N = live workers seen).
import type { Runtime } from '../../core/model-client.ts';
import type {
  Admission,
  AdmissionDemand,
  AdmissionDomain,
  AdmissionOutcome,
  AdmissionPermit,
  AdmissionSnapshot,
  LimitChange,
} from './admission.ts';
import { type AdmissionContext, logLimitChange, snapshotHeader } from './admission-context.ts';
import { AdmissionGate, type GateRules, type GateWaiter } from './admission-gate.ts';
import { CapacityLimit, type Cut, PROBE_INTERVAL_MIN_MS } from './limits/capacity-limit.ts';
import { bucketSnapshot, MAX_PACING_WAIT_MS, observeReading, pacingWaitMs, sharedReadings } from './pacing/bucket-pacing.ts';
import { RateBucketMirror } from './pacing/rate-bucket-mirror.ts';
import type { EndedAttempt, FleetOutcomes, SharedAdmissionDomain, SharedBucketReading, SharedLease } from './store/admission-store.ts';

type SharedReadings = { requests?: SharedBucketReading; tokens?: SharedBucketReading };

export {
  PROBE_INTERVAL_MAX_MS,
  PROBE_INTERVAL_MIN_MS,
} from './limits/capacity-limit.ts';
/**
 * Shared store: while this worker waits in the fleet's queue, freed slots are pushed to it; it
 * asks again this often all the same, which renews its place (lapsing after the store's
 * WAITER_TTL_MS, 1 s) and catches a grant whose message was lost. Bounded, no busy loop.
 */
export const SHARED_SLOT_RETRY_MS = 250;
/** Shared store: queued attempts one acquisition asks slots for (one round trip for all of them). */
export const SHARED_BATCH = 16;
/**
 * Shared store: how many times in a row a worker holding more than its share of the fleet's limit
 * (the limit ÷ the live workers, rounded down) may pass a lease straight to its own next attempt
 * while other workers wait in the fleet's queue; the next release hands it to the oldest of them.
 * (No one waiting, or a worker within its share: no bound.) docs/engine-rules.md "Shared admission store".
 */
export const SHARED_PASS_LIMIT = 3;

/** Shared store: a lease passed on within this worker. */
interface Passes {
  /** Times in a row (SHARED_PASS_LIMIT: it goes back to the fleet, unless the worker is within its share). */
  count: number;
  /** The store's answer said the lease must go back: it is gone (expired), or the fleet holds more than its limit. */
  giveBack?: boolean;
  /** Settles when the store has renumbered the lease for this attempt (its fleet admission number is known then). */
  renumbered?: Promise<void>;
  /**
   * The store found the fleet over its limit when it renumbered the lease (a cut came while it was
   * passed on): this attempt runs above the limit, so how it ends is no news about the limit.
   */
  overLimit?: boolean;
}

interface Ticket {
  seq: number;
  admittedAt: number;
  /** This worker's clock at admission (admittedAt is the fleet's, for a lease). */
  startedAt: number;
  tokens: number;
  requestsThrough: number;
  tokensThrough: number;
  /** Shared store: the lease the attempt holds (its fields follow the store's answer when it was passed on). */
  lease?: SharedLease;
  /** Shared store: how the lease came to this attempt. */
  passes?: Passes;
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
  limit: CapacityLimit;
  gate: AdmissionGate;
  /** What the gate's local loop asks (made once per domain: the loop runs on every release). */
  rules: GateRules;
  inFlight: Set<number>;
  /** Admissions so far; also the cumulative request cost. */
  seq: number;
  tokensSpent: number;
  /** The clock of the last call admitted for: snapshots and cap changes are dated by it. */
  clock?: Pick<Runtime, 'now'>;
  requests?: RateBucketMirror;
  tokens?: RateBucketMirror;
  shared?: SharedState;
  /** When the last new call (not a retry) arrived, by the caller's clock. */
  newCallAt?: number;
  /** How long a successful attempt takes, smoothed (LATENCY_WEIGHT per success). */
  latencyMs?: number;
}

/** The weight of each success in the smoothed attempt latency. */
const LATENCY_WEIGHT = 0.1;

export type SharedDomainSource = (domain: AdmissionDomain) => SharedAdmissionDomain | undefined;

export class CapacityAdmission implements Admission {
  #cap: number;
  readonly #context: AdmissionContext;
  readonly #domains = new Map<AdmissionDomain, DomainState>();
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
      if (state.limit.value > this.#cap) this.#setLimit(domain, state, this.#cap, nowOf(state), 'a smaller maxParallelRequests registered');
    }
  }

  snapshot(at?: number): AdmissionSnapshot[] {
    return [...this.#domains].map(([domain, state]) => this.#snapshotOf(domain, state, at ?? nowOf(state)));
  }

  #snapshotOf(domain: AdmissionDomain, state: DomainState, now: number): AdmissionSnapshot {
    const { ceiling, lastChange } = state.limit;
    return {
      ...snapshotHeader(this.#context, 'capacity', domain, this.#cap),
      limit: state.limit.value,
      inFlight: state.inFlight.size,
      queued: state.gate.size,
      ...(ceiling !== undefined ? { ceiling } : {}),
      ...(state.requests ? { requests: bucketSnapshot(state.requests, now, state.seq) } : {}),
      ...(state.tokens ? { tokens: bucketSnapshot(state.tokens, now, state.tokensSpent) } : {}),
      ...(lastChange ? { lastChange: { ...lastChange } } : {}),
    };
  }

  acquire(domain: AdmissionDomain, runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<AdmissionPermit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.#state(domain);
    state.clock = runtime;
    if (!demand?.retry) state.newCallAt = runtime.now();
    return state.gate.enter(runtime, signal, demand);
  }

  /** Admits from the head of the queue while the limit and the rate buckets allow (FIFO: nobody overtakes). */
  #pump(domain: AdmissionDomain, state: DomainState): void {
    if (state.shared?.domain.connected) {
      this.#pumpShared(domain, state, state.shared);
      return;
    }
    state.gate.admitWhile(state.rules);
  }

  /**
   * Shared store: one acquisition at a time per domain, for up to SHARED_BATCH of the queue's
   * head (FIFO within this worker) in one round trip; this worker's cap still bounds what it
   * runs. When the fleet is full this worker waits in the fleet's queue: freed slots are pushed
   * to it (`#take`), and it asks again after SHARED_SLOT_RETRY_MS; when a shared bucket is short,
   * as long as the store says. A store failure leaves the queue to the local path.
   */
  #pumpShared(domain: AdmissionDomain, state: DomainState, shared: SharedState): void {
    const room = Math.min(SHARED_BATCH, state.gate.size, this.#cap - state.inFlight.size);
    if (shared.acquiring || shared.waiting || room <= 0) return;
    const waiters = state.gate.peek(room);
    const head = waiters[0];
    shared.acquiring = true;
    const costs = waiters.map((waiter) => waiter.tokens);
    void shared.domain.acquire(costs, shared.lastLimit ?? state.limit.value).then((reply) => {
      shared.acquiring = false;
      if (!reply) {
        this.#pump(domain, state);
        return;
      }
      const now = head.runtime.now();
      this.#adopt(domain, state, shared, reply.limit, reply.version, now);
      if (reply.inFlight >= reply.limit) state.limit.saturate();
      for (const lease of reply.grants) this.#take(domain, state, shared, lease);
      if (reply.stop === 'done') {
        this.#pump(domain, state);
        return;
      }
      if (reply.stop === 'paced') {
        shared.waiting = true;
        const resume = (): void => {
          shared.waiting = false;
          this.#pump(domain, state);
        };
        head.runtime.sleep(Math.min(MAX_PACING_WAIT_MS, reply.waitMs)).then(resume, resume);
      } else this.#awaitGrants(domain, state, shared);
    });
  }

  /** Shared store: this worker waits in the fleet's queue; slots come through `#take`, and it asks again now and then. */
  #awaitGrants(domain: AdmissionDomain, state: DomainState, shared: SharedState): void {
    if (shared.waiting) return;
    shared.waiting = true;
    void shared.domain.slotFreed(SHARED_SLOT_RETRY_MS).then(() => {
      shared.waiting = false;
      this.#pump(domain, state);
    });
  }

  /** Shared store: a slot for this worker (granted, or handed over by the fleet's queue) goes to the head, if any. */
  #take(domain: AdmissionDomain, state: DomainState, shared: SharedState, lease: SharedLease): void {
    // A waiter may have left (aborted) meanwhile: the slot goes to whoever is first now, or back.
    const taken =
      state.inFlight.size < this.#cap && state.gate.grantHead((waiter) => this.#admit(domain, state, waiter, waiter.runtime.now(), lease));
    if (!taken) this.#releaseLease(domain, state, shared, lease.id, {});
  }

  /**
   * Shared store: the lease of an attempt that ended goes straight to this worker's next attempt,
   * with no round trip on its way (the store renews and renumbers it meanwhile), when that is safe
   * and fair: the concurrency limit alone governs (no rate bucket to check), and either this
   * worker holds no more than its share of the fleet's limit (÷ the live workers, rounded down) or
   * the lease has not been passed on SHARED_PASS_LIMIT times in a row after successes while other
   * workers wait. The store's answer resets the count when nobody waits, and ends the run when the
   * fleet holds more leases than a lowered limit or the lease is gone.
   */
  #passOn(domain: AdmissionDomain, state: DomainState, shared: SharedState, ticket: Ticket, ended: EndedAttempt['outcome']): boolean {
    const lease = ticket.lease!;
    const passes = ticket.passes!;
    if (state.requests || state.tokens || !shared.domain.connected) return false;
    if (passes.giveBack || state.gate.size === 0 || state.inFlight.size >= this.#cap) return false;
    // Within its share a worker keeps its leases: no worker can be starved by it (if every other
    // worker held its share or less, a slot would be free for the one that waits), and a slot that
    // changes workers sits idle for a Redis trip and a process's wake-up, each time.
    const share = Math.floor(state.limit.value / shared.domain.liveWorkers);
    if (passes.count >= SHARED_PASS_LIMIT && state.inFlight.size + 1 > share) return false;
    const next: SharedLease = { ...lease };
    // A slot refused with a 429 stays with the worker that saw it, uncounted: the next attempt goes
    // out at once, as in one process, and the store counts the refusals toward the fleet's crowd.
    const nextPasses: Passes = { count: passes.count + (ended === 'refused' ? 0 : 1) };
    let cost = 0;
    const passed = state.gate.grantHead((waiter) => {
      cost = waiter.tokens;
      return this.#admit(domain, state, waiter, waiter.runtime.now(), next, nextPasses);
    });
    if (!passed) return false;
    // This worker's demand fills the slots it holds.
    state.limit.saturate();
    // The store counts how the lease's last attempt ended, under the number it was admitted as
    // (known once a pass before it has been answered).
    nextPasses.renumbered = afterRenumbering(ticket, async () => {
      const endedAttempt = { outcome: counted(ticket, ended), seq: lease.seq };
      const reply = await shared.domain.pass(next.id, cost, endedAttempt);
      if (!reply) return;
      if (reply.over) nextPasses.overLimit = true;
      if (!reply.kept || reply.over) nextPasses.giveBack = true;
      else if (reply.othersWaiting === 0) nextPasses.count = 0;
      if (reply.kept) Object.assign(next, reply.lease);
      this.#judgeFleet(domain, state, shared, reply, endedAttempt);
    });
    return true;
  }

  /**
   * Shared store: frees a lease; the store hands the slot to the oldest waiting worker. This
   * worker's own queued attempts go with it, so it keeps (or takes) its place in the fleet's queue
   * instead of asking again: a slot freed elsewhere reaches it in one push, with no poll.
   */
  #releaseLease(
    domain: AdmissionDomain,
    state: DomainState,
    shared: SharedState,
    leaseId: string,
    readings: SharedReadings,
    ended?: { ticket: Ticket; outcome: EndedAttempt['outcome'] },
  ): void {
    const room = Math.min(SHARED_BATCH, state.gate.size, this.#cap - state.inFlight.size);
    const waiting = room > 0 ? state.gate.peek(room).map((waiter) => waiter.tokens) : [];
    if (waiting.length > 0) this.#awaitGrants(domain, state, shared);
    void afterRenumbering(ended?.ticket, async () => {
      const endedAttempt = ended && { outcome: counted(ended.ticket, ended.outcome), seq: ended.ticket.lease!.seq };
      const reply = await shared.domain.release(leaseId, readings, waiting, endedAttempt);
      if (!reply) return;
      for (const lease of reply.grants) this.#take(domain, state, shared, lease);
      if (endedAttempt) this.#judgeFleet(domain, state, shared, reply, endedAttempt);
      else this.#adopt(domain, state, shared, reply.limit, reply.version, nowOf(state));
    });
  }

  /**
   * Shared store: the fleet's round and crowd at its limit, as the store counted them after this
   * worker's attempt ended, judged by this worker's rules: a full round may probe upward, a crowd
   * (when this attempt was one of its refusals) proposes the cut. The first worker to decide wins.
   */
  #judgeFleet(
    domain: AdmissionDomain,
    state: DomainState,
    shared: SharedState,
    reply: { limit: number; version: number; outcomes: FleetOutcomes },
    ended: EndedAttempt,
  ): void {
    const now = nowOf(state);
    this.#adopt(domain, state, shared, reply.limit, reply.version, now);
    // Counts of another version of the limit than this worker's are not news about its limit.
    if (reply.version !== shared.version) return;
    state.limit.fleetCounted(reply.outcomes);
    if (ended.outcome === 'ok') this.#maybeRaise(domain, state, now);
    if (ended.outcome !== 'refused') return;
    const cut = state.limit.fleetRefused(reply.outcomes.refused, reply.outcomes.admitted);
    if (cut) this.#proposeCut(domain, state, shared, cut, ended.seq, now);
  }

  /** Shared store: a crowd's cut, applied by the store to the fleet's leases if nobody changed the limit meanwhile. */
  #proposeCut(domain: AdmissionDomain, state: DomainState, shared: SharedState, cut: Cut, refusedSeq: number, now: number): void {
    if (shared.changing) return;
    shared.changing = true;
    const proposal = {
      version: shared.version,
      refusedSeq,
      from: cut.from,
      floor: cut.floor,
      reason: cut.reason,
      probeIntervalMs: cut.probeIntervalMs,
    };
    void shared.domain.recordRefusal(proposal).then((reply) => {
      shared.changing = false;
      if (!reply) return;
      if (!reply.applied) {
        this.#adopt(domain, state, shared, reply.limit, reply.version, now);
        return;
      }
      shared.version = reply.version;
      shared.lastLimit = reply.limit;
      this.#logged(domain, state.limit.applyCut(cut, reply.limit, state.seq, now));
      this.#pump(domain, state);
    });
  }

  /** Shared store: take the fleet's limit when another worker changed it (a raise is followed as a probe). */
  #adopt(domain: AdmissionDomain, state: DomainState, shared: SharedState, limit: number, version: number, now: number): void {
    shared.lastLimit = limit;
    if (version === shared.version) return;
    shared.version = version;
    if (limit === state.limit.value) return;
    this.#logged(domain, state.limit.adopt(limit, state.seq, now, 'the shared limit changed (another worker, or the store)'));
  }

  #admit(
    domain: AdmissionDomain,
    state: DomainState,
    waiter: GateWaiter,
    now: number,
    lease?: SharedLease,
    passes?: Passes,
  ): AdmissionPermit {
    state.seq += 1;
    state.tokensSpent += waiter.tokens;
    // Shared: the buckets are mirrored in the fleet's coordinates (server clock, fleet spend).
    const ticket: Ticket = lease
      ? {
          seq: state.seq,
          admittedAt: lease.admittedAt,
          startedAt: now,
          tokens: waiter.tokens,
          requestsThrough: lease.requestsThrough,
          tokensThrough: lease.tokensThrough,
          lease,
          passes: passes ?? { count: 0 },
        }
      : {
          seq: state.seq,
          admittedAt: now,
          startedAt: now,
          tokens: waiter.tokens,
          requestsThrough: state.seq,
          tokensThrough: state.tokensSpent,
        };
    state.inFlight.add(ticket.seq);
    if (!lease && state.inFlight.size >= state.limit.value) state.limit.saturate();
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        state.inFlight.delete(ticket.seq);
        const ended = this.#learn(domain, state, ticket, outcome, waiter.runtime.now());
        const shared = state.shared;
        if (ticket.lease && shared && !this.#passOn(domain, state, shared, ticket, ended)) {
          this.#releaseLease(domain, state, shared, ticket.lease.id, sharedReadings(state, outcome), { ticket, outcome: ended });
        }
        this.#pump(domain, state);
      },
    };
  }

  /**
   * What an ended attempt teaches: the buckets' reading, and how it counts for the limit ('ok', a
   * 'refused' 429 no empty bucket explains, or 'other'). Alone (or on the fallback) this worker
   * counts its round and its crowd itself; sharing a store, the store counts them for the fleet
   * (`#judgeFleet`, on the answer to the release or pass that reports this outcome).
   */
  #learn(domain: AdmissionDomain, state: DomainState, ticket: Ticket, outcome: AdmissionOutcome, now: number): EndedAttempt['outcome'] {
    // Shared: readings are ordered by the fleet's admission number, so any worker's newer reading wins.
    if (outcome.rateLimits) observeReading(state, outcome.rateLimits, { ...ticket, seq: ticket.lease?.seq ?? ticket.seq });
    const fleet = ticket.lease !== undefined && state.shared?.domain.connected === true;
    if (outcome.kind === 'success') {
      const took = Math.max(0, now - ticket.startedAt);
      state.latencyMs = state.latencyMs === undefined ? took : state.latencyMs + LATENCY_WEIGHT * (took - state.latencyMs);
      if (!fleet && state.limit.succeeded(ticket.seq)) this.#maybeRaise(domain, state, now);
      return 'ok';
    }
    if (outcome.kind !== 'rate_limited') return 'other';
    if (outcome.retryAfterMs !== undefined) state.limit.retryAfterSeen(outcome.retryAfterMs);
    const reading = outcome.rateLimits;
    const requestsEmpty = RateBucketMirror.exhausted(reading?.requests, 1);
    const tokensEmpty = RateBucketMirror.exhausted(reading?.tokens, ticket.tokens);
    // Refused for an empty bucket: the provider did not spend the attempt (any other 429 may have).
    if (requestsEmpty || tokensEmpty) {
      state.requests?.refused(ticket.seq, 1);
      state.tokens?.refused(ticket.seq, ticket.tokens);
      return 'other';
    }
    if (fleet) return 'refused';
    const cut = state.limit.refused(ticket.seq, state.seq);
    // Over the ceiling: fall to what the provider was serving, the attempts still in flight that
    // were admitted before this one; a refused probe falls back no lower than where it started.
    if (cut) {
      const servedBefore = [...state.inFlight].filter((seq) => seq < ticket.seq).length;
      this.#logged(domain, state.limit.applyCut(cut, CapacityLimit.cutTo(cut, servedBefore), state.seq, now));
    }
    return 'refused';
  }

  #maybeRaise(domain: AdmissionDomain, state: DomainState, now: number): void {
    const shared = state.shared?.domain.connected ? state.shared : undefined;
    // Shared: the limit is the fleet's, bounded by the caps of the live workers together.
    const probe = state.limit.probe(now, shared ? shared.domain.fleetCap : this.#cap, state.seq, endsInMs(state, now));
    if (!probe) return;
    if (!shared) {
      this.#logged(domain, state.limit.applyProbe(probe, state.seq, now));
      return;
    }
    if (shared.changing) return;
    shared.changing = true;
    void shared.domain.setLimit({ version: shared.version, to: probe.to, reason: probe.reason }).then((reply) => {
      shared.changing = false;
      if (!reply) return;
      if (!reply.applied) {
        // Another worker changed the limit, or the fleet's probe back-off is still running.
        state.limit.deferProbe(now + Math.max(0, reply.probeAt - reply.at));
        this.#adopt(domain, state, shared, reply.limit, reply.version, now);
        return;
      }
      shared.version = reply.version;
      shared.lastLimit = reply.limit;
      this.#logged(domain, state.limit.applyProbe(probe, state.seq, now));
      this.#pump(domain, state);
    });
  }

  #setLimit(domain: AdmissionDomain, state: DomainState, to: number, now: number, reason: string): void {
    this.#logged(domain, state.limit.set(to, state.seq, now, reason));
  }

  #logged(domain: AdmissionDomain, change: LimitChange | undefined): void {
    if (change) logLimitChange(this.#context, domain, change);
  }

  /**
   * Shared store: when it falls back, this worker keeps a conservative share of the last shared
   * limit (÷ the live workers seen); when it rejoins, the next acquisition adopts the fleet's limit.
   */
  #share(domain: AdmissionDomain, state: DomainState, sharedDomain: SharedAdmissionDomain): void {
    const shared: SharedState = { domain: sharedDomain, version: -1, acquiring: false, waiting: false, changing: false };
    state.shared = shared;
    sharedDomain.onGrant((lease) => {
      // Handed over by the fleet's queue: the fleet was full with workers waiting.
      state.limit.saturate();
      this.#take(domain, state, shared, lease);
    });
    sharedDomain.onConnectionChange((connected) => {
      shared.version = -1;
      shared.changing = false;
      // The mirrors count in the fleet's coordinates while shared and in this worker's own on the
      // fallback: each side starts afresh from the next response's headers.
      state.requests = undefined;
      state.tokens = undefined;
      if (!connected) {
        const last = shared.lastLimit ?? state.limit.value;
        const workers = sharedDomain.liveWorkers;
        const share = Math.max(1, Math.min(this.#cap, Math.floor(last / workers)));
        const reason = `admission store unavailable: a 1/${workers} share of the last shared limit ${last}`;
        this.#setLimit(domain, state, share, nowOf(state), reason);
      }
      this.#pump(domain, state);
    });
  }

  #state(domain: AdmissionDomain): DomainState {
    let state = this.#domains.get(domain);
    if (!state) {
      const created: DomainState = {
        limit: new CapacityLimit(this.#cap),
        gate: new AdmissionGate(this.#context, () => this.#pump(domain, created)),
        rules: {
          hasRoom: () => created.inFlight.size < created.limit.value,
          // A head that sat out a pacing wait goes next, whatever the clock says.
          waitMs: (head, now) =>
            head.pacedUntil !== undefined ? 0 : pacingWaitMs(created, head.tokens, now, created.seq, created.tokensSpent),
          admit: (head, now) => this.#admit(domain, created, head, now),
        },
        inFlight: new Set(),
        seq: 0,
        tokensSpent: 0,
      };
      state = created;
      const shared = this.#sharedSource?.(domain);
      if (shared) this.#share(domain, state, shared);
      this.#domains.set(domain, state);
    }
    return state;
  }
}

/** How an ended attempt counts for the fleet's limit: not at all when it ran above a lowered limit. */
function counted(ticket: Ticket, outcome: EndedAttempt['outcome']): EndedAttempt['outcome'] {
  return ticket.passes?.overLimit ? 'other' : outcome;
}

/**
 * When this domain's backlog runs out, from `now`: the queued attempts at the concurrency this
 * worker runs, each taking the smoothed latency. Infinity before any success, and while new calls
 * keep arriving (one within the last two call durations, and PROBE_INTERVAL_MIN_MS: a closed loop
 * of callers never runs out; a job submitted at once stops arriving).
 */
function endsInMs(state: DomainState, now: number): number {
  const latencyMs = state.latencyMs;
  if (latencyMs === undefined || state.newCallAt === undefined) return Number.POSITIVE_INFINITY;
  if (now - state.newCallAt < Math.max(2 * latencyMs, PROBE_INTERVAL_MIN_MS)) return Number.POSITIVE_INFINITY;
  return (state.gate.size / Math.max(1, state.inFlight.size)) * latencyMs;
}

/**
 * Runs `then` once a lease passed on to this ticket's attempt has its fleet admission number; at
 * once (the store command goes out in this tick, no promise hop) when no pass is pending.
 */
function afterRenumbering(ticket: Ticket | undefined, then: () => Promise<void>): Promise<void> {
  const pending = ticket?.passes?.renumbered;
  return pending ? pending.then(then) : then();
}

function nowOf(state: DomainState): number {
  return state.clock?.now() ?? Date.now();
}
