// What the fake provider counts, for tests and benchmarks: totals, rejections per limit, and a
// per-second timeline (seconds since start or the last reset) to see when throughput settles.
import type { ProviderType } from '../../core/types.ts';
import type { AppliedStep, LimitReason } from './provider-limits.ts';
import type { LimitSettings } from './limit-settings.ts';

export interface TimelineSecond {
  /** 0-based second since start (or the last reset). */
  second: number;
  /** 2xx answers sent in this second. */
  ok: number;
  /** Limit rejections (capacity, request rate, token rate, noise) sent in this second. */
  rateLimited: number;
  /** Most requests in flight at once during this second. */
  peakInFlight: number;
  /** Tokens admitted in this second (prompt + max_tokens, as the token bucket counts them). */
  tokens: number;
}

export interface FakeProviderStats {
  requests: number;
  inFlight: number;
  peakInFlight: number;
  /** Same as `rejected.capacity` (kept for existing callers). */
  rejectedByCapacity: number;
  /** Limit rejections by reason. */
  rejected: Record<LimitReason, number>;
  faults: number;
  byStatus: Record<string, number>;
  byProvider: Record<ProviderType, number>;
  /** Tokens admitted by the token count (prompt + max_tokens), whether or not a token bucket is set. */
  tokens: number;
  timeline: TimelineSecond[];
  /** The limits in force now. */
  limits: LimitSettings;
  /** Schedule steps applied so far. */
  scheduleApplied: AppliedStep[];
  /** Milliseconds since start (or the last reset). */
  elapsedMs: number;
}

type Counters = Omit<FakeProviderStats, 'limits' | 'scheduleApplied' | 'elapsedMs' | 'inFlight'>;

function emptyCounters(): Counters {
  return {
    requests: 0,
    peakInFlight: 0,
    rejectedByCapacity: 0,
    rejected: { capacity: 0, requestRate: 0, tokenRate: 0, noise: 0 },
    faults: 0,
    byStatus: {},
    byProvider: { openai: 0, anthropic: 0, bedrock: 0 },
    tokens: 0,
    timeline: [],
  };
}

export class StatsRecorder {
  #counters = emptyCounters();
  #origin: number;
  /** Requests in flight survive a reset: they are still open. */
  inFlight = 0;

  constructor(now: number) {
    this.#origin = now;
  }

  reset(now: number): void {
    this.#counters = emptyCounters();
    this.#origin = now;
    this.#second(now).peakInFlight = this.inFlight;
  }

  #second(now: number): TimelineSecond {
    const timeline = this.#counters.timeline;
    const second = Math.max(0, Math.floor((now - this.#origin) / 1000));
    while (timeline.length <= second) {
      timeline.push({ second: timeline.length, ok: 0, rateLimited: 0, peakInFlight: this.inFlight, tokens: 0 });
    }
    return timeline[second];
  }

  get requests(): number {
    return this.#counters.requests;
  }

  started(now: number): number {
    this.inFlight++;
    const c = this.#counters;
    c.peakInFlight = Math.max(c.peakInFlight, this.inFlight);
    const second = this.#second(now);
    second.peakInFlight = Math.max(second.peakInFlight, this.inFlight);
    return ++c.requests;
  }

  routed(provider: ProviderType): void {
    this.#counters.byProvider[provider]++;
  }

  closed(): void {
    this.inFlight--;
  }

  answered(status: number, now: number): void {
    this.#counters.byStatus[status] = (this.#counters.byStatus[status] ?? 0) + 1;
    if (status >= 200 && status < 300) this.#second(now).ok++;
  }

  rejected(reason: LimitReason, now: number): void {
    this.#counters.rejected[reason]++;
    if (reason === 'capacity') this.#counters.rejectedByCapacity++;
    this.#second(now).rateLimited++;
  }

  admittedTokens(tokens: number, now: number): void {
    this.#counters.tokens += tokens;
    this.#second(now).tokens += tokens;
  }

  fault(): void {
    this.#counters.faults++;
  }

  snapshot(now: number, limits: LimitSettings, scheduleApplied: AppliedStep[]): FakeProviderStats {
    this.#second(now);
    return {
      ...structuredClone(this.#counters),
      inFlight: this.inFlight,
      limits,
      scheduleApplied,
      elapsedMs: Math.round(now - this.#origin),
    };
  }
}
