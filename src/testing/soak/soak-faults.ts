// The faults a soak injects at `--fault-rate`: each kind of failure the engines retry, with short
// hints so a 20 % fault soak takes minutes, not hours. Status faults carry `retry-after-ms: 20`
// (a hint ≤ 60 s is the sleep, docs/engine-rules.md); resets and cut bodies carry none, so they
// back off 2 s × 2^k like a real network failure.
import type { FaultInput } from '../fake-provider/fault-script.ts';

export const SOAK_HINT_MS = '20';

export const SOAK_FAULTS: readonly FaultInput[] = [
  { kind: 'status', status: 429, headers: { 'retry-after-ms': SOAK_HINT_MS } },
  { kind: 'status', status: 500, headers: { 'retry-after-ms': SOAK_HINT_MS } },
  { kind: 'status', status: 503, headers: { 'retry-after-ms': SOAK_HINT_MS } },
  { kind: 'reset' },
  { kind: 'truncate', keepFraction: 0.5, closeConnection: true },
];
