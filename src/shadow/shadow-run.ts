// One shadow run: the other engine, built for the same provider and model but pointed at an
// in-process replay of the primary's captured exchanges (a shadow session's, reused across runs),
// makes the same canonical call; the two runs are compared with compare's parity rules. Never a
// request to the provider.
import type { AttemptObserver, CallObserver, Runtime } from '../core/model-client.ts';
import type { ChatRequest, EmbeddingRequest } from '../core/types.ts';
import { canonicalJson } from '../parity/json-diff.ts';
import { parityDifferences, type ParityDifference, type ParityRun } from '../parity/parity-rules.ts';
import type { CapturedCall } from './captured-call.ts';
import { describeOutcomeError, jsonCopy } from './outcome-error.ts';
import { parseBodyText, type ServedShadowRequest } from './replay-origin.ts';
import type { ShadowSession } from './shadow-session.ts';

/** A draw past the primary's recorded ones (jitter factor 1.0). */
const DEFAULT_DRAW = 0.5;
const SHADOW_RUN_TIMEOUT_MS = 30_000;

/** What a verdict needs to be counted and written: the rest stays where the run was judged. */
export type ShadowJudgement = Pick<ShadowVerdict, 'parity' | 'diffs'>;

export interface ShadowVerdict {
  parity: boolean;
  /** `left` is the primary, `right` the shadow. */
  diffs: ParityDifference[];
  primary: ParityRun;
  shadow: ParityRun;
}

function isUnordered(requests: readonly { body: unknown }[]): boolean {
  return new Set(requests.map((r) => canonicalJson(r.body))).size > 1;
}

/** What a shadow run needs of a captured call: the session already knows the model and provider. */
export type ShadowRunInput = Omit<CapturedCall, 'model' | 'provider'>;

export function primaryRun(call: ShadowRunInput): ParityRun {
  const requests = call.exchanges.map((e) => ({ method: e.method, path: e.path, body: parseBodyText(e.bodyText) }));
  return {
    ok: call.outcome.ok,
    response: call.outcome.response,
    error: call.outcome.error,
    attempts: call.exchanges.length,
    requests,
    sleeps: call.sleeps,
    unordered: isUnordered(requests),
  };
}

/** The primary's clock and draws, replayed: time moves only as the shadow sleeps (backoff and pacing alike). */
function virtualRuntime(call: ShadowRunInput): Runtime {
  let now = call.startedAt;
  let draw = 0;
  return {
    now: () => now,
    random: () => call.draws[draw++] ?? DEFAULT_DRAW,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      now += ms;
    },
  };
}

const NO_ATTEMPT: AttemptObserver = { attemptEnded() {} };

export async function runShadow(call: ShadowRunInput, session: ShadowSession): Promise<ShadowVerdict> {
  const runtime = virtualRuntime(call);
  const sleeps: number[] = [];
  let response: unknown;
  let error: ParityRun['error'];
  const served: readonly ServedShadowRequest[] = await session.run(runtime, async ({ client, replay }) => {
    const round = replay.begin(call.exchanges);
    const abort = new AbortController();
    const guard = setTimeout(() => abort.abort(new Error(`shadow run exceeded ${SHADOW_RUN_TIMEOUT_MS} ms`)), SHADOW_RUN_TIMEOUT_MS);
    try {
      // The backoff sleeps the shadow engine asks for, as for the primary: from the call observer.
      const observer: CallObserver = { attemptStarted: () => NO_ATTEMPT, retryScheduled: (ms) => sleeps.push(ms) };
      const options = { signal: abort.signal, observer, runtime, ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}) };
      response = jsonCopy(
        call.operation === 'embedding'
          ? await client.embed(call.request as EmbeddingRequest, options)
          : await client.chat(call.request as ChatRequest, options),
      );
    } catch (caught) {
      const described = describeOutcomeError(caught);
      error = { type: described.type, status: described.status };
    } finally {
      clearTimeout(guard);
      round.end();
    }
    return round.requests;
  });
  const shadow: ParityRun = {
    ok: error === undefined,
    response,
    error,
    attempts: served.length,
    requests: [...served],
    sleeps,
    unordered: isUnordered(served),
  };
  const primary = primaryRun(call);
  const diffs = parityDifferences(primary, shadow);
  return { parity: diffs.length === 0, diffs, primary, shadow };
}
