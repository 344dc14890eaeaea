// The waiting room both admission policies share (docs/engine-rules.md "Admission"): attempts
// queue FIFO, leave when their signal aborts or the queue deadline (`admission.queueTimeoutSeconds`)
// passes, and the head alone may sit out a wait (pacing, cooldown) with one timer at a time.
// What decides is not here: the policy says whether there is room, how long the head must wait
// and what admitting it means (its limit, in limits/; its buckets, in pacing/).
import type { Runtime } from '../../core/model-client.ts';
import type { AdmissionDemand, AdmissionPermit } from './admission.ts';
import { type AdmissionContext, admissionTimeout } from './admission-context.ts';

export interface GateWaiter {
  readonly runtime: Runtime;
  /** Estimated tokens the attempt draws (0 when unknown). */
  readonly tokens: number;
  readonly modelAlias?: string;
  /** When the last wait the waiter sat out was due to end (its runtime's clock); unset before any. */
  pacedUntil?: number;
}

interface QueuedWaiter extends GateWaiter {
  grant(permit: AdmissionPermit): void;
  fail(reason: unknown): void;
}

/** What a policy tells the gate's local admission loop. */
export interface GateRules {
  /** Whether one more attempt may run now (the concurrency limit). */
  hasRoom(): boolean;
  /** How long the head must still wait (pacing, cooldown); 0 or less admits it now. */
  waitMs(head: GateWaiter, now: number): number;
  /** Counts the head in and returns its permit. */
  admit(head: GateWaiter, now: number): AdmissionPermit;
}

export class AdmissionGate {
  readonly #queue: QueuedWaiter[] = [];
  readonly #context: AdmissionContext;
  readonly #changed: () => void;
  /** The waiter a wait timer is running for, when it ends (its runtime's clock), and how to stop it. */
  #pacing?: { waiter: QueuedWaiter; until: number; stop: AbortController };

  /** `changed` runs whenever the queue may now admit (someone entered, left, or a wait ended). */
  constructor(context: AdmissionContext, changed: () => void) {
    this.#context = context;
    this.#changed = changed;
  }

  get size(): number {
    return this.#queue.length;
  }

  /** The first `count` waiters, oldest first. */
  peek(count: number): readonly GateWaiter[] {
    return this.#queue.slice(0, count);
  }

  /**
   * Queues an attempt. Rejects with the signal's reason when it aborts, or with
   * `ModelRequestAdmissionTimeoutError` when the queue deadline passes first.
   */
  enter(runtime: Runtime, signal?: AbortSignal, demand?: AdmissionDemand): Promise<AdmissionPermit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<AdmissionPermit>((resolve, reject) => {
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const settle = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (deadline !== undefined) clearTimeout(deadline);
      };
      const waiter: QueuedWaiter = {
        tokens: Math.max(0, demand?.tokens ?? 0),
        modelAlias: demand?.modelAlias,
        runtime,
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
        const index = this.#queue.indexOf(waiter);
        if (index < 0) return;
        this.#queue.splice(index, 1);
        this.#stopPacing(waiter);
        waiter.fail(reason);
        this.#changed();
      };
      const onAbort = (): void => leave(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const timeoutMs = this.#context.queueTimeoutMs;
      if (timeoutMs !== undefined) deadline = setTimeout(() => leave(admissionTimeout(this.#context, waiter.modelAlias)), timeoutMs);
      this.#queue.push(waiter);
      this.#changed();
    });
  }

  /** Admits the head with the permit `permitFor` gives it; false when nobody waits. */
  grantHead(permitFor: (head: GateWaiter) => AdmissionPermit): boolean {
    const head = this.#queue.shift();
    if (!head) return false;
    this.#stopPacing(head);
    head.grant(permitFor(head));
    return true;
  }

  /** Admits from the head while the rules allow (FIFO: nobody overtakes a waiting head). */
  admitWhile(rules: GateRules): void {
    while (this.#queue.length > 0 && rules.hasRoom()) {
      const head = this.#queue[0];
      const now = head.runtime.now();
      const wait = rules.waitMs(head, now);
      if (wait > 0) {
        this.#wait(head, wait);
        return;
      }
      this.#stopPacing(head);
      this.#queue.shift();
      head.grant(rules.admit(head, now));
    }
  }

  /** One timer at a time, for the head; when it ends the head is asked again (`pacedUntil` set). */
  #wait(head: QueuedWaiter, waitMs: number): void {
    const until = head.runtime.now() + waitMs;
    // A timer already running for the head stays unless a newer reading brings the wait forward.
    if (this.#pacing?.waiter === head && this.#pacing.until <= until) return;
    this.#pacing?.stop.abort();
    const stop = new AbortController();
    this.#pacing = { waiter: head, until, stop };
    head.runtime.sleep(waitMs, stop.signal).then(
      () => {
        if (this.#pacing?.waiter !== head) return;
        this.#pacing = undefined;
        head.pacedUntil = until;
        this.#changed();
      },
      () => {},
    );
  }

  #stopPacing(waiter: QueuedWaiter): void {
    if (this.#pacing?.waiter !== waiter) return;
    this.#pacing.stop.abort();
    this.#pacing = undefined;
  }
}
