// What the registry's thread and the shadow worker (shadow-worker.ts) say to each other: plain,
// structured-cloneable data only — never a secret (a captured call is redacted before it is
// posted, and the provider goes without its key: the shadow carries a fake one).
import type { AdmissionConfig } from '../config/schemas.ts';
import type { ShadowJudgement, ShadowRunInput } from './shadow-run.ts';
import type { ShadowSessionSpec } from './shadow-session.ts';

export interface RunShadowMessage {
  kind: 'run';
  id: number;
  /** The shadow session (target) the run belongs to. */
  session: string;
  /** Sent with a session's first run on a worker only; the worker keeps it. */
  spec?: ShadowSessionSpec;
  admission?: AdmissionConfig;
  call: ShadowRunInput;
}

export interface CloseShadowMessage {
  kind: 'close';
}

export type ToShadowWorker = RunShadowMessage | CloseShadowMessage;

export type FromShadowWorker =
  | { kind: 'verdict'; id: number; verdict: ShadowJudgement; cpuMicros: number }
  | { kind: 'failed'; id: number; error: string; cpuMicros: number }
  | { kind: 'closed' };
