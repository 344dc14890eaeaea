// What the registry's thread and the shadow worker (shadow-worker.ts) say to each other: plain,
// structured-cloneable data only — never a secret (a captured call is redacted before it is
// posted, and the provider goes without its key: the shadow carries a fake one).
import type { AdmissionConfig } from '../config/schemas.ts';
import type { CapturedCall } from './captured-call.ts';
import type { ShadowJudgement } from './shadow-run.ts';
import type { ShadowSessionSpec } from './shadow-session.ts';

export interface RunShadowMessage {
  kind: 'run';
  id: number;
  /** The shadow session (target) the run belongs to. */
  session: string;
  spec: ShadowSessionSpec;
  admission?: AdmissionConfig;
  call: CapturedCall;
}

export interface CloseShadowMessage {
  kind: 'close';
}

export type ToShadowWorker = RunShadowMessage | CloseShadowMessage;

export type FromShadowWorker =
  | { kind: 'verdict'; id: number; verdict: ShadowJudgement; cpuMicros: number }
  | { kind: 'failed'; id: number; error: string; cpuMicros: number }
  | { kind: 'closed' };
