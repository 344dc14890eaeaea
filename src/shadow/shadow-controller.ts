// Shadow mode for one registry: samples calls (within the CPU budget), redacts what was captured,
// queues the shadow runs (on the shadow worker thread, or this one with thread 'main'), counts
// verdicts and writes out-of-parity calls as fixtures. Loaded (dynamic import) only when
// shadow mode is on. Nothing here may reach the caller: every failure is a counter and a debug log.
import { AUTH_SCHEME_PREFIX } from '../core/credential-headers.ts';
import { isCredentialHeaderName } from '../core/is-credential-header.ts';
import type { AdmissionConfig, ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import type { Logger } from '../core/logger.ts';
import type { CallOptions, EngineName, ModelClient, Runtime } from '../core/model-client.ts';
import type { ClientFactory } from '../config/client-factory.ts';
import type { ChatRequest, EmbeddingRequest, ProviderType } from '../core/types.ts';
import type { CapturedCall, KeptExchange } from './captured-call.ts';
import { createRedactor, type Redactor } from './exchange-redaction.ts';
import { describeOutcomeError, jsonCopy } from './outcome-error.ts';
import { otherEngine, type ResolvedShadowOptions } from './shadow-config.ts';
import type { ShadowCounterEntry, ShadowCounters } from './shadow-counters.ts';
import { writeShadowFixture } from './shadow-fixture.ts';
import { ShadowCpuBudget, threadCpuMicros } from './shadow-cpu-budget.ts';
import { ShadowQueue, type QueuePlace } from './shadow-queue.ts';
import { runShadow, type ShadowJudgement } from './shadow-run.ts';
import { ShadowSession, type ShadowSessionSpec } from './shadow-session.ts';
import { ShadowWorkerError, ShadowWorkerHost } from './shadow-worker-host.ts';
import { type SampledCallRecord, type Settled, type ShadowHooks, shadowingClient } from './shadowing-client.ts';

export interface ShadowTarget {
  alias: string;
  providerType: ProviderType;
  primary: EngineName;
  shadow: EngineName;
  model: ModelConfig;
  provider: ResolvedProvider;
  runtime?: Partial<Runtime>;
  entry: ShadowCounterEntry;
  /** Names the target's shadow session (in the worker, or `session` on this thread). */
  key: string;
  spec: ShadowSessionSpec;
  /** On this thread only (`thread: 'main'`): the other engine's client and replay, built on the first run. */
  session?: ShadowSession;
}

/**
 * The provider as the shadow gets it: without its key (the shadow carries a fake one) and with a
 * fake value in every credential-named extra header (only method, path and body are compared).
 */
export function shadowSafeProvider(provider: ResolvedProvider): ResolvedProvider {
  const { apiKey: _key, extraHeaders, ...rest } = provider;
  if (!extraHeaders) return rest;
  const headers = Object.fromEntries(
    Object.entries(extraHeaders).map(([name, value]) => [name, isCredentialHeaderName(name) ? SHADOW_FAKE_CREDENTIAL : value]),
  );
  return { ...rest, extraHeaders: headers };
}

export interface ShadowControllerDeps {
  loadFactory: (engine: EngineName) => Promise<ClientFactory>;
  admission?: AdmissionConfig;
  logger: Logger;
  counters: ShadowCounters;
  runtime?: Partial<Runtime>;
}

/** A primary result that could not be copied (a BigInt, a cycle): counted as a failed shadow run. */
const UNCOPYABLE: unique symbol = Symbol('uncopyable result');

/** A credential header's value as the shadow carries it: never the real one. */
const SHADOW_FAKE_CREDENTIAL = 'shadow-replay-fake-credential';

export class ShadowController implements ShadowHooks<ShadowTarget> {
  readonly options: ResolvedShadowOptions;
  readonly #deps: ShadowControllerDeps;
  readonly #queue: ShadowQueue;
  readonly #budget: ShadowCpuBudget;
  readonly #loggedFailure = new Set<ShadowCounterEntry>();
  readonly #targets = new Set<ShadowTarget>();
  /** Runs shadow calls on a worker thread; absent with `thread: 'main'`. */
  readonly #host?: ShadowWorkerHost;
  #sequence = 0;
  #closed?: Promise<void>;

  constructor(options: ResolvedShadowOptions, deps: ShadowControllerDeps) {
    this.options = options;
    this.#deps = deps;
    this.#budget = new ShadowCpuBudget(options.maxCpuShare);
    this.#queue = new ShadowQueue(options.queueSize, options.concurrency, this.#budget);
    if (options.thread === 'worker') this.#host = new ShadowWorkerHost();
  }

  /** Wraps an alias's primary client so that sampled calls are captured and shadowed. */
  wrap(client: ModelClient, model: ModelConfig, provider: ResolvedProvider): ModelClient {
    const primary = client.engine;
    const shadow = otherEngine(primary);
    const entry = this.#deps.counters.entry(model.alias, provider.providerType, primary, shadow);
    const spec: ShadowSessionSpec = { shadow, providerType: provider.providerType, model, provider: shadowSafeProvider(provider) };
    const session = this.#host
      ? undefined
      : new ShadowSession(spec, {
          loadFactory: this.#deps.loadFactory,
          wrapShadowFactory: this.options.wrapShadowFactory,
          admission: this.#deps.admission,
        });
    const key = `${this.#targets.size}:${model.alias}:${primary}`;
    const target: ShadowTarget = {
      alias: model.alias,
      providerType: provider.providerType,
      primary,
      shadow,
      model,
      provider,
      runtime: this.#deps.runtime,
      entry,
      key,
      spec,
      ...(session ? { session } : {}),
    };
    this.#targets.add(target);
    return shadowingClient(client, target, this);
  }

  /**
   * The queue place this call's shadow run will take, or undefined when the call is not shadowed:
   * not picked by the sample rate (Math.random: the runtime's draws belong to the primary), or
   * picked but dropped because the queue is full or the CPU budget cannot cover it — then nothing
   * of the call is captured.
   */
  sample(target: ShadowTarget): QueuePlace | undefined {
    if (this.#closed || Math.random() >= this.options.sampleRate) return undefined;
    target.entry.sampled += 1;
    const place = this.#queue.reserve();
    if (!place) target.entry.dropped += 1;
    return place;
  }

  /** The canonical call as asked, detached from the caller's objects. */
  snapshotRequest(request: ChatRequest | EmbeddingRequest): ChatRequest | EmbeddingRequest {
    try {
      return jsonCopy(request) as ChatRequest | EmbeddingRequest;
    } catch {
      return request;
    }
  }

  /** A copy of the primary's result, detached from the caller's object (UNCOPYABLE if it cannot be copied). */
  snapshotResult(result: unknown): unknown {
    try {
      return jsonCopy(result);
    } catch {
      return UNCOPYABLE;
    }
  }

  /** The primary settled: redact what was captured and offer it to the queue. Never throws. */
  settled(
    target: ShadowTarget,
    place: QueuePlace,
    operation: CapturedCall['operation'],
    request: ChatRequest | EmbeddingRequest,
    options: CallOptions | undefined,
    record: SampledCallRecord,
    result: Settled,
  ): void {
    // Synchronous: its wall time is this thread's CPU (and half the cost of asking the kernel).
    const start = performance.now();
    // Set before the run can start (a later turn): the settle's own cost, not its wait in the queue.
    let settleMicros = 0;
    try {
      if (options?.signal?.aborted) {
        target.entry.skipped += 1;
        place.release();
        return;
      }
      // Closed meanwhile: the call may have been ended by close() itself, which is no verdict on
      // either engine — dropped, like every call close() finds waiting (never captured further).
      if (this.#closed) {
        target.entry.dropped += 1;
        place.release();
        return;
      }
      if (result.ok && result.response === UNCOPYABLE) {
        // The result could not be copied, so nothing can be compared with it: shadow mode's limit.
        place.release();
        this.#failed(target, new Error('the primary result could not be copied as JSON'));
        return;
      }
      const { call, redactor } = this.#redactedCall(target, operation, request, options, record, result);
      place.fill({
        run: () => this.#run(target, call, redactor, settleMicros),
        forget: () => {
          target.entry.dropped += 1;
        },
      });
    } catch (error) {
      place.release();
      this.#failed(target, error);
    } finally {
      settleMicros = Math.round((performance.now() - start) * 1000);
      this.#spent(target, settleMicros);
    }
  }

  /** A sampled call shadow mode had to let go before it was captured (the caller's runtime threw). */
  abandoned(target: ShadowTarget, place: QueuePlace, error: unknown): void {
    place.release();
    this.#failed(target, error);
  }

  /** The capture as kept, and the redactor that kept it (for the verdict, which leaves too). */
  #redactedCall(
    target: ShadowTarget,
    operation: CapturedCall['operation'],
    request: ChatRequest | EmbeddingRequest,
    options: CallOptions | undefined,
    record: SampledCallRecord,
    result: Settled,
  ): { call: CapturedCall; redactor: Redactor } {
    const extraHeaders = target.provider.extraHeaders ?? {};
    // A call's own credential headers (`extra_headers: { authorization: … }`) are secrets too: the
    // engine stopped tracking them when the call settled, so they are named here, whole and
    // without their auth scheme.
    const callHeaders = Object.entries((request as { extra_headers?: Record<string, unknown> }).extra_headers ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && isCredentialHeaderName(entry[0]),
    );
    const callSecrets = callHeaders.flatMap(([, value]) => [value, value.replace(AUTH_SCHEME_PREFIX, '')]);
    const redactor = createRedactor(
      [target.provider.apiKey?.reveal(), ...Object.values(extraHeaders), ...callSecrets],
      [...Object.keys(extraHeaders), ...callHeaders.map(([name]) => name)],
    );
    const exchanges: KeptExchange[] = record.capture.attempts.map((attempt) => {
      const url = new URL(attempt.request.url);
      return {
        method: attempt.request.method,
        path: redactor.text(`${url.pathname}${url.search}`),
        // As values (parsed, scrubbed per string): alike with the canonical request below.
        bodyText: redactor.body(attempt.request.bodyText),
        ...(attempt.response
          ? {
              response: {
                status: attempt.response.status,
                headers: redactor.headers(attempt.response.headers),
                bodyText: redactor.body(attempt.response.bodyText),
              },
            }
          : { transportError: attempt.transportError ?? 'Error' }),
      };
    });
    const outcome = result.ok
      ? { ok: true, response: redactor.value(result.response) }
      : { ok: false, error: describeOutcomeError(result.error) };
    const call: CapturedCall = {
      alias: target.alias,
      providerType: target.providerType,
      primary: target.primary,
      shadow: target.shadow,
      operation,
      request: redactor.value(request),
      model: target.model,
      provider: target.provider,
      baseUrl: redactor.text(target.provider.endpoint),
      startedAt: record.startedAt,
      draws: record.draws,
      sleeps: record.sleeps,
      exchanges,
      outcome: {
        ok: outcome.ok,
        response: outcome.response,
        error: outcome.error && { type: outcome.error.type, status: outcome.error.status },
      },
      ...(options?.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    return { call, redactor };
  }

  /** The shadow run's verdict, on the worker or on this thread; its CPU is spent from the budget either way. */
  async #judge(target: ShadowTarget, call: CapturedCall, settleMicros: number): Promise<ShadowJudgement> {
    const run = { cpuMicros: 0 };
    try {
      return this.#host ? await this.#judgeOnWorker(this.#host, target, call, run) : await this.#judgeHere(target, call, run);
    } finally {
      this.#spent(target, run.cpuMicros);
      this.#budget.taskCost(settleMicros + run.cpuMicros);
    }
  }

  async #judgeHere(target: ShadowTarget, call: CapturedCall, run: { cpuMicros: number }): Promise<ShadowJudgement> {
    const start = threadCpuMicros();
    try {
      return await runShadow(call, target.session!);
    } finally {
      run.cpuMicros = threadCpuMicros() - start;
    }
  }

  async #judgeOnWorker(
    host: ShadowWorkerHost,
    target: ShadowTarget,
    call: CapturedCall,
    run: { cpuMicros: number },
  ): Promise<ShadowJudgement> {
    // The worker knows the model and provider from the session's spec (sent once).
    const { model: _model, provider: _provider, ...input } = call;
    try {
      const result = await host.run({ session: target.key, spec: target.spec, admission: this.#deps.admission, call: input });
      run.cpuMicros = result.cpuMicros;
      return result.verdict;
    } catch (error) {
      if (error instanceof ShadowWorkerError) run.cpuMicros = error.cpuMicros;
      throw error;
    }
  }

  async #run(target: ShadowTarget, call: CapturedCall, redactor: Redactor, settleMicros: number): Promise<void> {
    try {
      const judged = await this.#judge(target, call, settleMicros);
      // The differences quote what both engines made of the kept capture: scrubbed again as values
      // before they are logged or written (a fixture's notes), whatever the shadow engine decoded.
      const verdict: ShadowJudgement = { parity: judged.parity, diffs: redactor.value(judged.diffs) };
      if (verdict.parity) {
        target.entry.compared += 1;
        target.entry.inParity += 1;
        return;
      }
      this.#deps.logger.debug(
        `shadow: alias '${target.alias}' out of parity (${target.primary} primary, ${target.shadow} shadow): ${verdict.diffs
          .slice(0, 3)
          .map((d) => d.path)
          .join(', ')}`,
      );
      // The fixture first: one that cannot be written makes the run failed (below), counted once —
      // never compared and failed both (sampled = compared + dropped + failed + skipped).
      let written = false;
      if (this.options.fixturesDir) {
        this.#sequence += 1;
        written = (await writeShadowFixture(this.options.fixturesDir, call, verdict, this.#sequence)) !== undefined;
        const why = 'an attempt ended without a response, which docs/contract.md "Fixtures" cannot hold';
        if (!written) this.#deps.logger.debug(`shadow: alias '${target.alias}': not written as a fixture (${why})`);
      }
      target.entry.compared += 1;
      target.entry.outOfParity += 1;
      if (written) target.entry.fixturesWritten += 1;
    } catch (error) {
      this.#failed(target, error);
    }
  }

  #spent(target: ShadowTarget, micros: number): void {
    target.entry.cpuMicros += micros;
    this.#budget.spend(micros);
  }

  #failed(target: ShadowTarget, error: unknown): void {
    target.entry.failed += 1;
    if (this.#loggedFailure.has(target.entry)) return;
    this.#loggedFailure.add(target.entry);
    const what = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
    this.#deps.logger.debug(
      `shadow: alias '${target.alias}': shadow run failed (${what}); counted in shadowSummary().failed, further failures not logged`,
    );
  }

  /** Resolves once every queued shadow run has finished (the CPU budget is not waited for). */
  drain(): Promise<void> {
    return this.#queue.drain();
  }

  /**
   * Stops sampling, lets running shadow runs finish, counts the waiting ones as dropped and
   * releases every shadow session's client and replay. Call drain() first to compare them all.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#queue.close();
      await Promise.all([...[...this.#targets].map((target) => target.session?.close()), this.#host?.close()]);
    })();
    return this.#closed;
  }
}
