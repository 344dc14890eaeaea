// Runs one fixture through one engine against the replay server, and both engines side by side.
// Engines are reached through `loadClientFactory` (src/engine.ts), never imported directly, so
// deleting the legacy folder only removes one branch there.
import { DataDesignerError } from '../core/errors.ts';
import type { AttemptObserver, CallObserver, EngineName, ModelClient, Runtime } from '../core/model-client.ts';
import type { ClientFactory } from '../config/client-factory.ts';
import type { ChatResponse, EmbeddingResponse } from '../core/types.ts';
import { modelConfigSchema, resolveProvider, modelProviderSchema } from '../config/schemas.ts';
import { loadClientFactory } from '../engine.ts';
import { fixtureChatRequest, fixtureEmbeddingRequest, replayEndpoint, replayOrderOf, type Fixture } from './fixture.ts';
import { canonicalJson, diffSubset, dropKeys, type JsonDifference } from './json-diff.ts';
import { parityDifferences, sortedNumbers } from '../parity/parity-rules.ts';
import { startReplayServer, type ReplayDiff, type ServedRequest } from './replay-server.ts';

/** Replays run on a fixed clock so HTTP-date retry hints mean the same thing on every machine. */
export const REPLAY_EPOCH_MS = Date.parse('2026-01-01T00:00:00Z');
/** Jitter factor 0.8 + 0.4 × 0.5 = 1.0: backoff sleeps are exactly 2000, 4000, 8000 ms. */
export const REPLAY_RANDOM = 0.5;
/** Credential the replay providers carry so auth headers are exercised; never a real key. */
export const REPLAY_API_KEY = 'replay-test-key-not-a-secret';

export interface RunHooks {
  /** Test-only seam to plant a behaviour change in one engine without editing its source. */
  wrapFactory?: (engine: EngineName, factory: ClientFactory) => ClientFactory;
}

export interface RunOptions {
  hooks?: RunHooks;
  /** Abort the whole run after this long (a hung engine must not hang the harness). */
  timeoutMs?: number;
  /**
   * The jitter draw `random()` returns (default REPLAY_RANDOM, which the fixtures' `sleeps` are
   * written for). Tests replay at other draws to check sleep parity beyond jitter factor 1.
   */
  random?: number;
}

export interface RunError {
  type: string;
  message: string;
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  /**
   * Whether the caller's `purpose` would reach the message when the facade retells the error
   * (`withPurpose`): engines word their errors differently, so the message itself is not compared,
   * but an error that cannot tell the purpose on one engine only is a difference (issue 25 item 10).
   */
  tellsPurpose?: boolean;
}

const NO_ATTEMPT: AttemptObserver = { attemptEnded() {} };

/** `all` with one occurrence of each of `removed` taken out, in order. */
function withoutEach(all: readonly number[], removed: readonly number[]): number[] {
  const left = [...all];
  for (const ms of removed) {
    const at = left.indexOf(ms);
    if (at >= 0) left.splice(at, 1);
  }
  return left;
}

/** A purpose no engine message contains by chance. */
const PURPOSE_PROBE = 'running the purpose probe of the harness';

export interface FixtureRun {
  engine: EngineName;
  ok: boolean;
  response?: ChatResponse | EmbeddingResponse;
  error?: RunError;
  attempts: number;
  requests: ServedRequest[];
  /** Backoff sleeps the engine asked for (its retry rule: Retry-After or jitter), in ms. */
  sleeps: number[];
  /**
   * Every other wait the engine sat out, in ms: v2's admission pacing (a rate bucket refilling).
   * Shown in the report, never compared: only backoff sleeps are a parity claim (docs/harness.md).
   */
  pacingWaits: number[];
  /** Recorded-vs-sent differences, unexpected requests, unused exchanges. */
  diffs: ReplayDiff[];
  /**
   * The call's requests are concurrent (replayed by content, several distinct bodies: a Titan or
   * Cohere fan-out): their arrival order and the order of their sleeps mean nothing, so requests
   * and sleeps are compared as multisets.
   */
  unordered: boolean;
  expectation: { matches: boolean | null; diffs: JsonDifference[] };
}

function describeError(error: unknown): RunError {
  if (error instanceof DataDesignerError) {
    return {
      type: error.name,
      message: error.message,
      status: error.status,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      tellsPurpose: error.withPurpose(PURPOSE_PROBE).message.includes(PURPOSE_PROBE),
    };
  }
  // Anything that is not one of our classes is an engine bug (a crash), and shows as such.
  const name = error instanceof Error ? error.name : typeof error;
  return { type: `Unmapped:${name}`, message: error instanceof Error ? error.message : String(error) };
}

function checkExpectation(fixture: Fixture, run: Omit<FixtureRun, 'expectation'>): FixtureRun['expectation'] {
  const expected = fixture.expect;
  const diffs: JsonDifference[] = [];
  if (expected) {
    if ('error' in expected) {
      if (run.error?.type !== expected.error) diffs.push({ path: '$.error', left: expected.error, right: run.error?.type ?? null });
    } else if (!run.ok) {
      diffs.push({ path: '$.response', left: expected.response, right: run.error ?? null });
    } else {
      diffSubset(expected.response, run.response, '$.response', diffs);
    }
    if (expected.attempts !== undefined && expected.attempts !== run.attempts) {
      diffs.push({ path: '$.attempts', left: expected.attempts, right: run.attempts });
    }
    if (expected.sleeps !== undefined) {
      if (run.unordered) diffSubset(sortedNumbers(expected.sleeps), sortedNumbers(run.sleeps), '$.sleeps', diffs);
      else diffSubset(expected.sleeps, run.sleeps, '$.sleeps', diffs);
    }
  }
  for (const d of run.diffs) diffs.push({ path: `$.${d.path}`, left: d.expected, right: d.actual });
  // With nothing recorded to hold the engine to (no expect, no request bodies) there is no
  // verdict to give, unless the replay itself went wrong (extra or missing requests).
  const hasClaims =
    expected !== undefined || (fixture.request !== undefined && fixture.exchanges.some((e) => e.request.body !== undefined));
  const matches = hasClaims || diffs.length > 0 ? diffs.length === 0 : null;
  return { matches, diffs };
}

/**
 * docs/contract.md "Fixtures": without `request` the call is the default "Hello", so the recorded bodies (of some
 * other question) say nothing about this call and are not compared: the case is judged on
 * parity and on the replay itself (no extra or missing requests).
 */
function comparableExchanges(fixture: Fixture): Fixture['exchanges'] {
  if (fixture.request !== undefined) return fixture.exchanges;
  return fixture.exchanges.map((e) => ({ ...e, request: { ...e.request, body: undefined } }));
}

/**
 * Several distinct recorded bodies replayed by content: one call fanned out into concurrent
 * requests. (Retries of one request share its body, so a plain retry chain stays ordered.)
 */
function isUnordered(fixture: Fixture, exchanges: Fixture['exchanges']): boolean {
  if (replayOrderOf(fixture, exchanges) !== 'content') return false;
  const bodies = new Set(
    exchanges
      .filter((e) => e.request.body !== undefined)
      .map((e) => canonicalJson(dropKeys(e.request.body, new Set(e.request.ignore ?? [])))),
  );
  return bodies.size > 1;
}

export async function runFixture(fixture: Fixture, engine: EngineName, options: RunOptions = {}): Promise<FixtureRun> {
  const exchanges = comparableExchanges(fixture);
  const server = await startReplayServer(exchanges, { order: replayOrderOf(fixture, exchanges) });
  // Every wait moves the clock; only those the engine announced as backoff are its sleeps (the
  // call observer hears them, as shadow mode does); the rest are admission's pacing waits.
  const waits: number[] = [];
  const sleeps: number[] = [];
  let now = REPLAY_EPOCH_MS;
  const runtime: Runtime = {
    now: () => now,
    random: () => options.random ?? REPLAY_RANDOM,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      now += ms; // time moves as if we had waited, so date-based hints stay consistent
    },
  };
  const observer: CallObserver = { attemptStarted: () => NO_ATTEMPT, retryScheduled: (ms) => sleeps.push(ms) };
  const provider = resolveProvider(
    modelProviderSchema.parse({
      name: `${fixture.provider}-replay`,
      endpoint: replayEndpoint(fixture, server.origin),
      providerType: fixture.provider,
      apiKey: REPLAY_API_KEY,
      ...(fixture.provider === 'bedrock' ? { region: 'us-east-1' } : {}),
      ...(fixture.dialect ? { dialect: fixture.dialect } : {}),
    }),
    {},
  );
  const model = modelConfigSchema.parse({
    alias: 'replay',
    model: fixture.model,
    provider: provider.name,
    inferenceParameters: fixture.operation === 'embedding' ? { generationType: 'embedding' } : {},
  });

  let client: ModelClient | undefined;
  let response: FixtureRun['response'];
  let error: RunError | undefined;
  const abort = new AbortController();
  const guard = setTimeout(() => abort.abort(new Error(`run exceeded ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
  try {
    let factory = await loadClientFactory(engine);
    if (options.hooks?.wrapFactory) factory = options.hooks.wrapFactory(engine, factory);
    client = await factory({ provider, model, runtime });
    response =
      fixture.operation === 'embedding'
        ? await client.embed(fixtureEmbeddingRequest(fixture), { signal: abort.signal, observer })
        : await client.chat(fixtureChatRequest(fixture), { signal: abort.signal, observer });
  } catch (caught) {
    error = describeError(caught);
  } finally {
    clearTimeout(guard);
    await client?.close().catch(() => {});
    await server.close();
  }

  const base = {
    engine,
    ok: error === undefined,
    response,
    error,
    attempts: server.requests.length,
    requests: [...server.requests],
    sleeps,
    pacingWaits: withoutEach(waits, sleeps),
    diffs: server.diffs(),
    unordered: isUnordered(fixture, exchanges),
  };
  return { ...base, expectation: checkExpectation(fixture, base) };
}

export interface ParityDiff {
  path: string;
  legacy: unknown;
  v2: unknown;
}

export interface EngineComparison {
  legacy: FixtureRun;
  v2: FixtureRun;
  parity: boolean;
  /** Both engines satisfy `expect` and every recorded body; null when there is nothing to match. */
  matches: boolean | null;
  diffs: ParityDiff[];
}

export async function compareEngines(fixture: Fixture, options: RunOptions = {}): Promise<EngineComparison> {
  const legacy = await runFixture(fixture, 'legacy', options);
  const v2 = await runFixture(fixture, 'v2', options);
  const ignore = new Set(fixture.exchanges.flatMap((e) => e.request.ignore ?? []));
  const diffs: ParityDiff[] = parityDifferences(legacy, v2, ignore).map((d) => ({ path: d.path, legacy: d.left, v2: d.right }));
  // Same class and status, yet only one engine's error can carry the caller's purpose.
  if (legacy.error && v2.error && legacy.error.type === v2.error.type && legacy.error.tellsPurpose !== v2.error.tellsPurpose) {
    diffs.push({ path: '$.error.tellsPurpose', legacy: legacy.error.tellsPurpose ?? null, v2: v2.error.tellsPurpose ?? null });
  }
  const parity = diffs.length === 0;
  const verdicts = [legacy.expectation.matches, v2.expectation.matches];
  const matches = verdicts.every((v) => v === null) ? null : verdicts.every((v) => v !== false);
  return { legacy, v2, parity, matches, diffs };
}
