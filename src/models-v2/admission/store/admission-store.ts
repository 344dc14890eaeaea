// Where admission keeps the state that a fleet of workers must share (docs/engine-rules.md
// "Shared admission store"). Two stores:
// - local (the default): nothing is shared; the capacity policy keeps all its state in-process,
//   exactly as before the store existed (no round trip, no behaviour change);
// - redis (`redis-admission-store.ts`): per (provider endpoint, model, domain) the limit and what
//   the policy learned, the rate buckets and the in-flight leases live in Redis and change only
//   through atomic scripts (`redis-admission-scripts.ts`).
// The store holds state and applies transitions; every decision stays with the capacity policy.
import type { StoreSnapshot } from '../../../core/admission-snapshot.ts';
import type { AdmissionDomain } from '../admission.ts';

export type AdmissionStoreType = 'local' | 'redis';

/** What a snapshot shows of the store (never the URL's credentials). */
export type AdmissionStoreStatus = StoreSnapshot;

/** A granted slot: the lease id and where the admission stands in the fleet's order. */
export interface SharedLease {
  id: string;
  /** The fleet-wide admission number. */
  seq: number;
  /** Server clock (epoch ms) at admission. */
  admittedAt: number;
  /** Fleet-wide cumulative request / token cost through this admission. */
  requestsThrough: number;
  tokensThrough: number;
}

/** How the attempt that held a lease ended, as the capacity policy's rules count it. */
export interface EndedAttempt {
  /** ok: a success; refused: a 429 no empty rate bucket explains; other: anything else (not counted). */
  outcome: 'ok' | 'refused' | 'other';
  /** The attempt's fleet admission number. */
  seq: number;
}

/**
 * The fleet's outcomes at its current limit, counted by the store from every worker's releases
 * and passes: the capacity policy judges its round and its crowd on these instead of this
 * worker's share of them.
 */
export interface FleetOutcomes {
  /** Successes of attempts admitted at the current limit. */
  succeeded: number;
  /** Refusals among the fleet's last CROWDING_WINDOW admissions at the current limit... */
  refused: number;
  /** ...and how many admissions that window holds. */
  admitted: number;
}

export interface AcquireReply {
  /** Leases for the first attempts asked for, in order (possibly none). */
  grants: SharedLease[];
  /** Why no more were granted: all were, the fleet is at its limit, or a shared bucket is short. */
  stop: 'done' | 'full' | 'paced';
  /** `paced`: milliseconds until the bucket holds the next attempt. */
  waitMs: number;
  limit: number;
  version: number;
  /** The fleet's leases after this acquisition. */
  inFlight: number;
}

export interface ReleaseReply {
  /** Slots handed straight back to this worker (it was first in the queue). */
  grants: SharedLease[];
  /** Whether this worker still waits in the fleet's queue (more grants will be pushed). */
  queued: boolean;
  limit: number;
  version: number;
  outcomes: FleetOutcomes;
}

export interface PassReply {
  limit: number;
  version: number;
  /** False when the lease was gone (expired): the attempt runs, but the fleet no longer counts it. */
  kept: boolean;
  /** The lease as the new admission it is (its id unchanged). */
  lease: SharedLease;
  /** The fleet holds more leases than its limit (it was cut): this lease should go back. */
  over: boolean;
  /** Workers waiting in the fleet's queue, other than this one. */
  othersWaiting: number;
  outcomes: FleetOutcomes;
}

export interface LimitReply {
  applied: boolean;
  limit: number;
  version: number;
  /** Server clock (epoch ms) of the reply. */
  at: number;
  /** Server clock before which no worker may probe upward (the shared back-off). */
  probeAt: number;
}

/** A mirrored bucket's last reading, in the fleet's coordinates, with its (paced) refill per ms. */
export interface SharedBucketReading {
  limit: number;
  remaining: number;
  atMs: number;
  seq: number;
  spentThrough: number;
  refillPerMs: number;
}

/**
 * The shared state of one (provider endpoint, model, domain). No method rejects: a store failure
 * resolves `undefined` and switches the store to its fallback (the caller then admits locally).
 */
export interface SharedAdmissionDomain {
  /** False while the store runs on its local fallback. */
  readonly connected: boolean;
  /** Live workers and the sum of their caps, as last seen (at least 1 and this worker's cap). */
  readonly liveWorkers: number;
  readonly fleetCap: number;
  /**
   * Up to `costs.length` slots in one round trip, in order (costs: each attempt's token estimate).
   * With a grant listener (`onGrant`), what is not granted waits in the fleet's queue: the store
   * pushes each slot to the listener when it frees (for `WAITER_TTL_MS`, renewed by every acquire
   * and release).
   */
  acquire(costs: number[], initialLimit: number): Promise<AcquireReply | undefined>;
  /**
   * Frees a lease: the slot goes to the oldest waiting worker (this one, through the reply, when it
   * is first). `waiting`: the costs of this worker's attempts still queued (it joins or keeps its
   * place in the fleet's queue for them). `ended`: how the lease's attempt ended (none: a grant
   * nobody took).
   */
  release(
    leaseId: string,
    readings: { requests?: SharedBucketReading; tokens?: SharedBucketReading },
    waiting?: number[],
    ended?: EndedAttempt,
  ): Promise<ReleaseReply | undefined>;
  /**
   * The lease, still held, now runs this worker's next attempt (no slot changes hands): the store
   * counts how its last attempt ended (`ended`), and renews and renumbers it. `cost`: the next
   * attempt's token estimate.
   */
  pass(leaseId: string, cost: number, ended: EndedAttempt): Promise<PassReply | undefined>;
  /** Slots the store hands this worker while it waits in the fleet's queue (one listener). */
  onGrant(listener: (lease: SharedLease) => void): void;
  /** A crowd of 429s: the store applies the policy's fall rule to the fleet's leases, if `version` is current. */
  recordRefusal(args: {
    version: number;
    refusedSeq: number;
    from: number;
    floor: number;
    reason: string;
    probeIntervalMs: number;
  }): Promise<LimitReply | undefined>;
  /** A limit the policy chose (a probe), if `version` is current. */
  setLimit(args: { version: number; to: number; reason: string }): Promise<LimitReply | undefined>;
  /** Resolves when this worker should ask again (its queue wait ended, or the connection changed), or after `maxMs`. */
  slotFreed(maxMs: number): Promise<void>;
  /** Called when the store falls back (false) or rejoins (true). */
  onConnectionChange(listener: (connected: boolean) => void): void;
  close(): void;
}

export interface AdmissionStore {
  readonly type: AdmissionStoreType;
  status(): AdmissionStoreStatus;
  /** The shared state for one (provider endpoint, model, domain); undefined for the local store. */
  domain(
    key: { providerType: string; endpoint: string; model: string; domain: AdmissionDomain },
    cap: number,
  ): SharedAdmissionDomain | undefined;
  close(): Promise<void>;
}

export const localAdmissionStore: AdmissionStore = {
  type: 'local',
  status: () => ({ type: 'local' }),
  domain: () => undefined,
  close: async () => {},
};

/** A Redis store that could not be created (the client failed to load or to start): local admission, shown as such. */
export function unusableStore(maskedTarget: string): AdmissionStore {
  return {
    type: 'redis',
    status: () => ({ type: 'redis', connected: false, target: maskedTarget }),
    domain: () => undefined,
    close: async () => {},
  };
}
