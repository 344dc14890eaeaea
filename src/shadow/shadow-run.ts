// One shadow run: the other engine, built for the same provider and model but pointed at an
// in-process replay of the primary's captured exchanges, makes the same canonical call; the two
// runs are compared with compare's parity rules. Never a request to the provider.
import { modelProviderSchema, resolveProvider, type AdmissionConfig, type ResolvedProvider } from '../config/schemas.ts';
import { silentLogger } from '../core/logger.ts';
import type { AttemptObserver, CallObserver, ClientFactory, EngineName, ModelClient, Runtime } from '../core/model-client.ts';
import type { ChatRequest, EmbeddingRequest } from '../core/types.ts';
import { canonicalJson } from '../parity/json-diff.ts';
import { parityDifferences, type ParityDifference, type ParityRun } from '../parity/parity-rules.ts';
import type { CapturedCall } from './captured-call.ts';
import { describeOutcomeError, jsonCopy } from './outcome-error.ts';
import { parseBodyText, startReplayOrigin, type ServedShadowRequest } from './replay-origin.ts';

/** The credential a shadow client carries: never a real key (and visibly fake). */
export const SHADOW_FAKE_KEY = 'shadow-replay-fake-key-not-a-secret';
/** A draw past the primary's recorded ones (jitter factor 1.0). */
const DEFAULT_DRAW = 0.5;
const SHADOW_RUN_TIMEOUT_MS = 30_000;

export interface ShadowRunDeps {
  loadFactory: (engine: EngineName) => Promise<ClientFactory>;
  wrapShadowFactory?: (engine: EngineName, factory: ClientFactory) => ClientFactory;
  admission?: AdmissionConfig;
}

export interface ShadowVerdict {
  parity: boolean;
  /** `left` is the primary, `right` the shadow. */
  diffs: ParityDifference[];
  primary: ParityRun;
  shadow: ParityRun;
}

let runCounter = 0;

function shadowProvider(call: CapturedCall, origin: string): ResolvedProvider {
  const base = new URL(call.provider.endpoint).pathname.replace(/\/+$/, '');
  const endpoint = `${origin}${base}`;
  const fakeKey = resolveProvider(
    modelProviderSchema.parse({ name: 'shadow-key', endpoint, providerType: call.providerType, apiKey: SHADOW_FAKE_KEY }),
    {},
  ).apiKey;
  // A name of its own per run: the shadow never shares SDK clients or throttle state with anything.
  runCounter += 1;
  return { ...call.provider, name: `${call.provider.name}~shadow-${runCounter}`, endpoint, apiKey: fakeKey };
}

function isUnordered(requests: readonly { body: unknown }[]): boolean {
  return new Set(requests.map((r) => canonicalJson(r.body))).size > 1;
}

export function primaryRun(call: CapturedCall): ParityRun {
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

const NO_ATTEMPT: AttemptObserver = { attemptEnded() {} };

export async function runShadow(call: CapturedCall, deps: ShadowRunDeps): Promise<ShadowVerdict> {
  const replay = await startReplayOrigin(call.exchanges);
  const sleeps: number[] = [];
  let now = call.startedAt;
  let draw = 0;
  const runtime: Runtime = {
    now: () => now,
    random: () => call.draws[draw++] ?? DEFAULT_DRAW,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      now += ms; // time moves as if the shadow had waited (backoff and pacing alike)
    },
  };
  let client: ModelClient;
  try {
    // Building the shadow client is shadow mode's own business: a failure here is not a verdict
    // on the call (the caller counts it as a failed shadow run).
    let factory = await deps.loadFactory(call.shadow);
    if (deps.wrapShadowFactory) factory = deps.wrapShadowFactory(call.shadow, factory);
    // A shadow run admits locally whatever the run's store: it must neither take a fleet's
    // (Redis) slots nor leave per-replay state behind in a shared store.
    const admission = deps.admission ? { ...deps.admission, store: { type: 'local' as const } } : undefined;
    client = await factory({ provider: shadowProvider(call, replay.origin), model: call.model, runtime, admission, logger: silentLogger });
  } catch (error) {
    await replay.close();
    throw error;
  }
  let response: unknown;
  let error: ParityRun['error'];
  const abort = new AbortController();
  const guard = setTimeout(() => abort.abort(new Error(`shadow run exceeded ${SHADOW_RUN_TIMEOUT_MS} ms`)), SHADOW_RUN_TIMEOUT_MS);
  try {
    // The backoff sleeps the shadow engine asks for, as for the primary: from the call observer.
    const observer: CallObserver = { attemptStarted: () => NO_ATTEMPT, retryScheduled: (ms) => sleeps.push(ms) };
    const options = { signal: abort.signal, observer, ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}) };
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
    await client.close().catch(() => undefined);
    await replay.close();
  }
  const served: readonly ServedShadowRequest[] = replay.requests;
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
