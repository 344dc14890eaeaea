// The capacity policy's concurrency limit (docs/engine-rules.md "Admission"), as pure arithmetic on
// admission numbers and explicit clock values: no timers, no promises, no buckets. The policy
// around it (../capacity-admission.ts) owns the gate, the pacing and the fleet sync, and tells it
// what happened; it answers with the decisions (a cut, a probe) and applies the ones taken.
//
// - An unexplained 429 counts only when 429s crowd the recent admissions (at least 4, and a
//   quarter of the last 64 at the current limit); an isolated 429 is noise.
// - After a full round of successes at a limit that demand filled, the limit probes upward: +1
//   after a refusal, doubling while probes keep succeeding, the wait between failed probes
//   doubling from 250 ms to 1 s.
// - In a fleet (a shared store) the round and the crowd are the fleet's: the store counts every
//   worker's successes and refusals at the current limit and each worker judges those counts with
//   the same rules (a worker's own share of them is too thin: 4 refusals of one worker's own
//   attempts take 16 times as long to gather among 16 workers). A raise another worker made is a
//   probe for this worker too (its start is the floor of a crowd that refuses it, whoever sees it).
import type { LimitChange } from '../admission.ts';

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
/**
 * A probe pays only when the demand outlasts what its refusals cost: each refused attempt sits out
 * the provider's Retry-After, so a probe made when the backlog runs out sooner than that turns
 * its refusals into the job's tail (a column of a batch waits for its last row). No probe when
 * the backlog ends within twice the last Retry-After seen, and at least this long.
 */
export const PROBE_PAYBACK_MIN_MS = 2_000;

/** 429s crowded the recent admissions: the limit should fall from `from`, no lower than `floor`. */
export interface Cut {
  from: number;
  floor: number;
  reason: string;
  /** The wait before the next probe once the cut is applied. */
  probeIntervalMs: number;
}

/** Successes proved the limit: it may rise from `from` to `to`. */
export interface Probe {
  from: number;
  to: number;
  step: number;
  /** The previous raise held for a full round (the probe interval starts afresh). */
  confirmed: boolean;
  reason: string;
}

export class CapacityLimit {
  #value: number;
  /** Attempts admitted after this admission number are judged at the current limit. */
  #changeSeq = 0;
  /** Successes of attempts admitted at the current limit. */
  #provenAtLimit = 0;
  /** Whether demand filled the current limit at some point: only a used limit is worth raising. */
  #saturated = false;
  /** Admission numbers of recent attempts (at the current limit) refused with an unexplained 429. */
  #refused: number[] = [];
  /** Limit before the current probe, while a probe is unconfirmed. */
  #probeFrom?: number;
  /** The last raise held for a full round: the next one may take a bigger step. */
  #probeHeld = false;
  #probeStep = 1;
  #probeIntervalMs = PROBE_INTERVAL_MIN_MS;
  #nextProbeAt = Number.NEGATIVE_INFINITY;
  /** The limit at which 429s last crowded (diagnostic). */
  #ceiling?: number;
  #lastChange?: LimitChange;
  /** Shared store: the fleet's refusals in the crowd window at the current limit, as last counted. */
  #fleetRefused = 0;
  /**
   * The starts of the raises that led to the current limit (this worker's probes and those it
   * adopted), lowest first, kept after each raise held: a fleet's crowd above the latest falls no
   * lower (`fleetRefused`), and a raised level that draws refusals a whole window long is given
   * back to it (`#crowd`). A start is forgotten once the limit is at or below it, so a probe
   * refused back to a level that was itself a raise (16 → 17 held, 17 → 19 refused) still knows
   * where 17 came from. At most one entry per level below the cap.
   */
  #raises: number[] = [];
  /** The provider's last Retry-After on a refusal (0: none seen). */
  #retryAfterMs = 0;

  constructor(cap: number) {
    this.#value = cap;
  }

  /** Attempts that may run at once. */
  get value(): number {
    return this.#value;
  }

  get ceiling(): number | undefined {
    return this.#ceiling;
  }

  get lastChange(): LimitChange | undefined {
    return this.#lastChange;
  }

  /** A refusal's Retry-After, as the provider sent it. */
  retryAfterSeen(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#retryAfterMs = ms;
  }

  /** How long the demand must still last for a probe to pay (PROBE_PAYBACK_MIN_MS). */
  get probePaybackMs(): number {
    return Math.max(PROBE_PAYBACK_MIN_MS, 2 * this.#retryAfterMs);
  }

  /** Demand filled the limit (an admission reached it, or the fleet's in-flight count did). */
  saturate(): void {
    this.#saturated = true;
  }

  /** Whether the attempt admitted as number `seq` was admitted at the current limit. */
  isCurrent(seq: number): boolean {
    return seq > this.#changeSeq;
  }

  /** The attempt admitted as `seq` succeeded; true when it counts at the current limit. */
  succeeded(seq: number): boolean {
    if (!this.isCurrent(seq)) return false;
    this.#proven(this.#provenAtLimit + 1);
    return true;
  }

  /** Shared store: the fleet's successes and refusals at the current limit, as the store counted them. */
  fleetCounted(counts: { succeeded: number; refused: number }): void {
    if (counts.succeeded > this.#provenAtLimit) this.#proven(counts.succeeded);
    this.#fleetRefused = counts.refused;
  }

  #proven(count: number): void {
    this.#provenAtLimit = count;
    if (this.#probeFrom !== undefined && this.#provenAtLimit >= this.#value) {
      // The probe held for a full round: the level is proven, a later crowd is not its refusal.
      this.#probeFrom = undefined;
      this.#probeHeld = true;
    }
  }

  /**
   * The attempt admitted as `seq` got a 429 no empty bucket explains; `admitted` is the latest
   * admission number. Returns the cut when 429s now crowd the recent admissions.
   */
  refused(seq: number, admitted: number): Cut | undefined {
    if (!this.isCurrent(seq)) return undefined;
    const windowStart = this.#slideWindow(admitted);
    // An attempt admitted before the window (a slow one) is not news about the recent admissions.
    if (seq <= windowStart) return undefined;
    this.#refused.push(seq);
    return this.#crowd(this.#refused.length, admitted - windowStart, 'attempts');
  }

  /** Drops the counted refusals the crowd window has left behind; returns where it starts (`admitted`: the latest admission). */
  #slideWindow(admitted: number): number {
    const windowStart = Math.max(this.#changeSeq, admitted - CROWDING_WINDOW);
    this.#refused = this.#refused.filter((refusedSeq) => refusedSeq > windowStart);
    return windowStart;
  }

  /**
   * Shared store: the fleet's refusals among its last admissions at the current limit (`refused`
   * of `admitted`, as the store counted them). Returns the cut when they crowd, its floor the
   * fleet's: at most half the limit is given up at once, and never the level the fleet last raised from.
   */
  fleetRefused(refused: number, admitted: number): Cut | undefined {
    const cut = this.#crowd(refused, admitted, "of the fleet's attempts");
    if (!cut) return undefined;
    // The store counts the fleet's leases admitted before the refused one as what the provider
    // was serving, but that count lags: leases passed on are renumbered meanwhile and other
    // workers' refusals are still on their way. Measured at a 1 ms round trip it fell to 0 (64 → 1,
    // and the fleet spent a second and a half probing back to 16). A cap found by halving takes
    // one more crowd per halving, each a few milliseconds.
    cut.floor = Math.max(cut.floor, Math.ceil(cut.from / 2));
    // A level the fleet raised from was proven by a full round there. A crowd above it means the
    // raise went too far, as in one process, even if the raise seemed to hold: a fleet on busy
    // hosts may not fill a limit for a while after raising it. With the count lagging, that level
    // is the floor; a crowd at it (capacity really fell) falls past it.
    const raisedFrom = this.#raisedFrom;
    if (raisedFrom !== undefined && raisedFrom < cut.from) cut.floor = Math.max(cut.floor, raisedFrom);
    return cut;
  }

  #crowd(refused: number, inWindow: number, what: string): Cut | undefined {
    const why = `${refused} of the last ${inWindow} ${what} got 429 without an empty rate bucket`;
    // An isolated 429 is noise: only its own attempt waits (its Retry-After, in the executor).
    if (refused < CROWDING_MIN_COUNT) return undefined;
    if (refused < CROWDING_MIN_SHARE * inWindow) {
      // A raised level that keeps drawing refusals through a whole window (a few per cent: at a few
      // milliseconds' round trip the raise fills the provider's idle gaps and is refused the rest
      // of the time) is given back: each of its refusals costs its call a Retry-After, and a call
      // refused on every attempt fails.
      const raisedFrom = this.#raisedFrom;
      if (raisedFrom === undefined || raisedFrom >= this.#value || inWindow < CROWDING_WINDOW) return undefined;
      return {
        from: this.#value,
        floor: raisedFrom,
        reason: `raise refused: ${why}`,
        probeIntervalMs: Math.min(PROBE_INTERVAL_MAX_MS, this.#probeIntervalMs * 2),
      };
    }
    const probeFrom = this.#probeFrom;
    return {
      from: this.#value,
      floor: probeFrom ?? 1,
      reason: probeFrom === undefined ? why : `probe refused: ${why}`,
      probeIntervalMs: probeFrom === undefined ? PROBE_INTERVAL_MIN_MS : Math.min(PROBE_INTERVAL_MAX_MS, this.#probeIntervalMs * 2),
    };
  }

  /**
   * Where a cut lands on one worker: what the provider was serving, the attempts admitted before
   * the refused one and still in flight (`servedBefore`); a refused probe falls no lower than its start.
   */
  static cutTo(cut: Cut, servedBefore: number): number {
    return Math.max(cut.floor, Math.min(servedBefore, cut.from - 1));
  }

  /** Applies a cut to `to` at `now`; `admitted` is the latest admission number. */
  applyCut(cut: Cut, to: number, admitted: number, now: number): LimitChange | undefined {
    this.#ceiling = cut.from;
    this.#probeIntervalMs = cut.probeIntervalMs;
    const change = this.set(to, admitted, now, cut.reason);
    this.#probeStep = 1;
    this.#nextProbeAt = now + this.#probeIntervalMs;
    return change;
  }

  /**
   * The probe due at `now` below `cap`, if a full round of successes filled the limit; `admitted`
   * is the latest admission number. Not while refusals gather in the window (as many as a crowd
   * needs, if not its share): a limit that draws them is no place to raise from. Not when the
   * demand ends within `probePaybackMs` (`endsInMs`: when the backlog runs out, as the policy
   * estimates it; Infinity while calls keep arriving).
   */
  probe(now: number, cap: number, admitted: number, endsInMs = Number.POSITIVE_INFINITY): Probe | undefined {
    if (this.#value >= cap || !this.#saturated) return undefined;
    if (endsInMs < this.probePaybackMs) return undefined;
    if (this.#provenAtLimit < this.#value || now < this.#nextProbeAt) return undefined;
    this.#slideWindow(admitted);
    if (Math.max(this.#refused.length, this.#fleetRefused) >= CROWDING_MIN_COUNT) return undefined;
    const confirmed = this.#probeHeld;
    const step = confirmed ? this.#probeStep * 2 : this.#probeStep;
    const from = this.#value;
    const reason = `probing: ${this.#provenAtLimit} successes at ${from}, all of it in use`;
    return { from, to: Math.min(cap, from + step), step, confirmed, reason };
  }

  /** Applies a probe at `now`; `admitted` is the latest admission number. */
  applyProbe(probe: Probe, admitted: number, now: number): LimitChange | undefined {
    if (probe.confirmed) this.#probeIntervalMs = PROBE_INTERVAL_MIN_MS;
    const change = this.set(probe.to, admitted, now, probe.reason);
    this.#probeFrom = probe.from;
    this.#raises.push(probe.from);
    this.#probeStep = probe.step;
    return change;
  }

  /**
   * The fleet's limit, changed by another worker (or the store), taken at `now`. A raise was a
   * probe: this worker follows it as its own (its start is the floor if a crowd refuses it, and a
   * full round at it doubles the next step), so whichever worker sees the refusal or the round
   * acts as the prober would. After a cut the next probe is +1, whoever makes it.
   */
  adopt(to: number, admitted: number, now: number, reason: string): LimitChange | undefined {
    const from = this.#value;
    const change = this.set(to, admitted, now, reason);
    if (to > from) {
      this.#probeFrom = from;
      this.#raises.push(from);
      this.#probeStep = to - from;
    } else if (to < from) {
      // A cut: probing starts again from +1, as after this worker's own cut.
      this.#probeStep = 1;
    }
    return change;
  }

  /** The start of the latest raise still below the limit (undefined: the limit was not raised since its last cut). */
  get #raisedFrom(): number | undefined {
    return this.#raises.at(-1);
  }

  /** No probe before `at` (the fleet's probe back-off is still running). */
  deferProbe(at: number): void {
    this.#nextProbeAt = at;
  }

  /**
   * Sets the limit at `now`: attempts admitted after `admitted` are judged at it, from scratch.
   * Returns the change when the value moved.
   */
  set(to: number, admitted: number, now: number, reason: string): LimitChange | undefined {
    const from = this.#value;
    this.#value = to;
    this.#changeSeq = admitted;
    this.#provenAtLimit = 0;
    this.#saturated = false;
    this.#refused = [];
    this.#fleetRefused = 0;
    while (this.#raises.length > 0 && to <= this.#raises[this.#raises.length - 1]) this.#raises.pop();
    this.#probeFrom = undefined;
    this.#probeHeld = false;
    if (from === to) return undefined;
    this.#lastChange = { at: now, from, to, reason };
    return this.#lastChange;
  }
}
