// The fault matrix: one row per fault, the outcome docs/contract.md "Errors" and docs/contract.md "Retries, timeouts, admission" and docs/engine-rules.md prescribe
// for it. The same expectation holds for both engines and all three providers: the engines are
// not allowed to differ here, so no row carries a per-engine exception. docs/reliability.md's
// table is rendered from this list (test/reliability/support/render-matrix-table.ts).
import type { Step } from './support/scripted-provider.ts';

/** The injected clock starts here and advances by each sleep; HTTP-date hints are measured from it. */
export const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
/** random() = 0.5 makes the jitter factor 0.8 + 0.4 × 0.5 = 1: backoff is exactly 2000 × 2^k. */
export const RANDOM = 0.5;
/** Per-attempt deadline for the stall rows (ms). */
export const STALL_TIMEOUT_MS = 250;

export interface Expected {
  /** `ok`, or the error class name. */
  outcome: string;
  /** The error's HTTP status, when the failure had one. */
  status?: number;
  /** Requests the server received (every attempt that reached it). */
  attempts: number;
  /** Sleeps the engine asked the runtime for, in order. */
  sleeps: number[];
}

export interface FaultCase {
  name: string;
  group: string;
  /** Attempt n gets step n; the last step repeats. `refused` = nothing listens. */
  steps: Step[] | 'refused';
  timeoutMs?: number;
  expected: Expected;
}

const ok = { kind: 'answer' } as const;
const err = (status: number, headers?: Record<string, string>): Step => ({ kind: 'error', status, headers });
const backoff = (retries: number): number[] => Array.from({ length: retries }, (_, k) => 2000 * 2 ** k);

function hint429(name: string, headers: Record<string, string>, sleep: number): FaultCase {
  return { group: '429 hints', name, steps: [err(429, headers), ok], expected: { outcome: 'ok', attempts: 2, sleeps: [sleep] } };
}

function always(group: string, name: string, step: Step, outcome: string, retries: number, status?: number): FaultCase {
  return {
    group,
    name,
    steps: [step],
    expected: { outcome, ...(status === undefined ? {} : { status }), attempts: retries + 1, sleeps: backoff(retries) },
  };
}

export const FAULT_CASES: readonly FaultCase[] = [
  // Transport: no answer, or an answer that never completed → connection error (budget 2);
  // our own deadline → timeout (budget 3).
  {
    group: 'transport',
    name: 'connection refused',
    steps: 'refused',
    expected: { outcome: 'ModelAPIConnectionError', attempts: 0, sleeps: backoff(2) },
  },
  {
    group: 'transport',
    name: 'reset before body, once',
    steps: [{ kind: 'reset-before-body' }, ok],
    expected: { outcome: 'ok', attempts: 2, sleeps: backoff(1) },
  },
  always('transport', 'reset before body, every attempt', { kind: 'reset-before-body' }, 'ModelAPIConnectionError', 2),
  always('transport', 'reset mid body, every attempt', { kind: 'reset-mid-body' }, 'ModelAPIConnectionError', 2),
  {
    ...always('transport', 'stall beyond the deadline, every attempt', { kind: 'stall' }, 'ModelTimeoutError', 3),
    timeoutMs: STALL_TIMEOUT_MS,
  },

  // A complete 200 that is not the provider's answer → ModelAPIError without status, not retried.
  always('malformed 200', 'truncated JSON (complete response)', { kind: 'truncated-answer' }, 'ModelAPIError', 0),
  always(
    'malformed 200',
    'non-JSON (an HTML page)',
    {
      kind: 'raw',
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Service temporarily unavailable</body></html>',
    },
    'ModelAPIError',
    0,
  ),
  always(
    'malformed 200',
    'empty body',
    { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '' },
    'ModelAPIError',
    0,
  ),
  always('malformed 200', "wrong shape (another provider's answer)", { kind: 'foreign-answer' }, 'ModelAPIError', 0),

  // Server errors → internal server (budget 2).
  always('5xx', '500', err(500), 'ModelInternalServerError', 2, 500),
  always('5xx', '502', err(502), 'ModelInternalServerError', 2, 502),
  always('5xx', '503', err(503), 'ModelInternalServerError', 2, 503),
  always('5xx', '529', err(529), 'ModelInternalServerError', 2, 529),
  { group: '5xx', name: '503 once, then the answer', steps: [err(503), ok], expected: { outcome: 'ok', attempts: 2, sleeps: backoff(1) } },

  // 429: budget 3; a hint 0 < h ≤ 60 000 ms is the sleep, anything else falls back to backoff.
  always('429 hints', 'every attempt, no hint', err(429), 'ModelRateLimitError', 3, 429),
  hint429('retry-after: 3 (seconds)', { 'retry-after': '3' }, 3000),
  hint429('retry-after: 0.5 (fractional)', { 'retry-after': '0.5' }, 500),
  hint429('retry-after: HTTP-date 7 s ahead', { 'retry-after': new Date(NOW + 7000).toUTCString() }, 7000),
  hint429('retry-after-ms: 250', { 'retry-after-ms': '250' }, 250),
  hint429('retry-after-ms: 250 wins over retry-after: 9', { 'retry-after-ms': '250', 'retry-after': '9' }, 250),
  hint429('retry-after-ms: 0 (counts, yields 0 → backoff)', { 'retry-after-ms': '0', 'retry-after': '9' }, 2000),
  hint429('retry-after: 120 (above the 60 s cap)', { 'retry-after': '120' }, 2000),
  hint429('retry-after: 1e9 (absurd)', { 'retry-after': '1e9' }, 2000),
  hint429('retry-after: -5 (negative)', { 'retry-after': '-5' }, 2000),
  hint429('retry-after: soon (garbage)', { 'retry-after': 'soon' }, 2000),
  hint429('retry-after-ms: 1e9 (absurd)', { 'retry-after-ms': '1e9' }, 2000),
  hint429('no hint', {}, 2000),

  // 4xx: one attempt, the class the status names.
  always('4xx', '400', err(400), 'ModelBadRequestError', 0, 400),
  always('4xx', '401', err(401), 'ModelAuthenticationError', 0, 401),
  always('4xx', '403', err(403), 'ModelPermissionDeniedError', 0, 403),
  always('4xx', '404', err(404), 'ModelNotFoundError', 0, 404),
  always('4xx', '413', err(413), 'ModelContextWindowExceededError', 0, 413),
  always('4xx', '422', err(422), 'ModelUnprocessableEntityError', 0, 422),

  // Redirects are never followed (a followed one would reach the server twice).
  always(
    'redirects',
    '301 to another path',
    { kind: 'raw', status: 301, headers: { location: '/moved' }, body: '' },
    'ModelAPIError',
    0,
    301,
  ),
  always(
    'redirects',
    '307 to another path',
    { kind: 'raw', status: 307, headers: { location: '/moved' }, body: '' },
    'ModelAPIError',
    0,
    307,
  ),

  // x-should-retry overrides the class default.
  always('x-should-retry', '400 with x-should-retry: true', err(400, { 'x-should-retry': 'true' }), 'ModelBadRequestError', 2, 400),
  always('x-should-retry', '503 with x-should-retry: false', err(503, { 'x-should-retry': 'false' }), 'ModelInternalServerError', 0, 503),
  always('x-should-retry', '429 with x-should-retry: false', err(429, { 'x-should-retry': 'false' }), 'ModelRateLimitError', 0, 429),
];
