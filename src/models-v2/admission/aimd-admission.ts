// The source system's admission (docs/contract.md "Retries, timeouts, admission" as first written, reference §6.8/6.9), kept as a
// selectable policy (`admission.policy: aimd`) with its exact numbers, tunable like the source's
// `request_admission` block: ×0.75 once per 429 cascade, +1 after 25 straight successes, and a
// cooldown of Retry-After (or 2 s) during which no attempt of the domain starts. The arithmetic is
// limits/aimd-limit.ts; the waiting (FIFO, cancel, queue deadline, the cooldown wait) is the gate
// both policies share (admission-gate.ts).
import type { Runtime } from '../../core/model-client.ts';
import type { Admission, AdmissionDemand, AdmissionDomain, AdmissionPermit, AdmissionSnapshot, LimitChange } from './admission.ts';
import { type AdmissionContext, logLimitChange, snapshotHeader } from './admission-context.ts';
import { AdmissionGate, type GateRules } from './admission-gate.ts';
import { AimdLimit, type AimdTuning } from './limits/aimd-limit.ts';

export type { AimdTuning } from './limits/aimd-limit.ts';

interface DomainState {
  limit: AimdLimit;
  gate: AdmissionGate;
  /** What the gate's local loop asks (made once per domain: the loop runs on every release). */
  rules: GateRules;
  inFlight: number;
}

/**
 * Additive-increase / multiplicative-decrease concurrency limit per domain (chat, embedding),
 * each capped by the (provider, model) cap.
 */
export class AimdAdmission implements Admission {
  #cap: number;
  readonly #context: AdmissionContext;
  readonly #tuning: Partial<AimdTuning>;
  readonly #domains = new Map<AdmissionDomain, DomainState>();

  constructor(cap: number, context: AdmissionContext, tuning: Partial<AimdTuning> = {}) {
    this.#cap = Math.max(1, Math.floor(cap));
    this.#context = context;
    this.#tuning = tuning;
  }

  get cap(): number {
    return this.#cap;
  }

  /** Another alias of the same model registered: the cap only ever tightens. */
  clampCap(cap: number): void {
    this.#cap = Math.max(1, Math.min(this.#cap, Math.floor(cap)));
    for (const [domain, state] of this.#domains) this.#logged(domain, state.limit.clamp(this.#cap, Date.now()));
  }

  snapshot(): AdmissionSnapshot[] {
    return [...this.#domains].map(([domain, state]) => {
      const { blockedUntil, lastChange } = state.limit;
      return {
        ...snapshotHeader(this.#context, 'aimd', domain, this.#cap),
        limit: state.limit.value,
        inFlight: state.inFlight,
        queued: state.gate.size,
        ...(Number.isFinite(blockedUntil) ? { blockedUntil } : {}),
        ...(lastChange ? { lastChange: { ...lastChange } } : {}),
      };
    });
  }

  acquire(domain: AdmissionDomain, runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<AdmissionPermit> {
    return this.#state(domain).gate.enter(runtime, signal, demand);
  }

  #pump(domain: AdmissionDomain, state: DomainState): void {
    state.gate.admitWhile(state.rules);
  }

  #permit(domain: AdmissionDomain, state: DomainState, runtime: Runtime): AdmissionPermit {
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
        this.#logged(domain, state.limit.record(outcome, runtime.now(), state.inFlight, this.#cap));
        this.#pump(domain, state);
      },
    };
  }

  #logged(domain: AdmissionDomain, change: LimitChange | undefined): void {
    if (change) logLimitChange(this.#context, domain, change);
  }

  #state(domain: AdmissionDomain): DomainState {
    let state = this.#domains.get(domain);
    if (!state) {
      const created: DomainState = {
        limit: new AimdLimit(this.#cap, this.#tuning),
        gate: new AdmissionGate(this.#context, () => this.#pump(domain, created)),
        rules: {
          hasRoom: () => created.inFlight < created.limit.value,
          waitMs: (head, now) => created.limit.cooldownMs(now, head.pacedUntil),
          admit: (head) => {
            created.inFlight += 1;
            return this.#permit(domain, created, head.runtime);
          },
        },
        inFlight: 0,
      };
      state = created;
      this.#domains.set(domain, state);
    }
    return state;
  }
}
