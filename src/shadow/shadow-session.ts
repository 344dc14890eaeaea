// A shadow session: what one shadow target (alias × primary engine) keeps between its shadow
// runs — one replay origin and one client of the other engine pointed at it — so that a run costs
// the other engine's call and the comparison, not a new server, a new client and a new
// connection (docs/shadow-mode.md, "Cost"). Runs of a session go one after another: the replay
// serves one sampled call at a time, and the client's clock, jitter draws and sleeps are the
// current run's virtual runtime.
import { modelProviderSchema, resolveProvider, type AdmissionConfig, type ModelConfig, type ResolvedProvider } from '../config/schemas.ts';
import { silentLogger } from '../core/logger.ts';
import type { EngineName, ModelClient, Runtime } from '../core/model-client.ts';
import type { ClientFactory } from '../config/client-factory.ts';
import type { ProviderType } from '../core/types.ts';
import { startReplayOrigin, type ReplayOrigin } from './replay-origin.ts';

/** The credential a shadow client carries: never a real key (and visibly fake). */
export const SHADOW_FAKE_KEY = 'shadow-replay-fake-key-not-a-secret';

export interface ShadowSessionSpec {
  shadow: EngineName;
  providerType: ProviderType;
  model: ModelConfig;
  provider: ResolvedProvider;
}

export interface ShadowSessionDeps {
  loadFactory: (engine: EngineName) => Promise<ClientFactory>;
  wrapShadowFactory?: (engine: EngineName, factory: ClientFactory) => ClientFactory;
  admission?: AdmissionConfig;
}

/** What a run sees while it holds the session. */
export interface ShadowLease {
  readonly client: ModelClient;
  readonly replay: ReplayOrigin;
}

let sessionCounter = 0;

function shadowProvider(spec: ShadowSessionSpec, origin: string): ResolvedProvider {
  const base = new URL(spec.provider.endpoint).pathname.replace(/\/+$/, '');
  const endpoint = `${origin}${base}`;
  const fakeKey = resolveProvider(
    modelProviderSchema.parse({ name: 'shadow-key', endpoint, providerType: spec.providerType, apiKey: SHADOW_FAKE_KEY }),
    {},
  ).apiKey;
  // A name of its own per session: the shadow never shares SDK clients or admission state with
  // the primary or with another session.
  sessionCounter += 1;
  return { ...spec.provider, name: `${spec.provider.name}~shadow-${sessionCounter}`, endpoint, apiKey: fakeKey };
}

const NOT_IN_A_RUN: Runtime = {
  now: () => 0,
  random: () => 0.5,
  sleep: () => Promise.reject(new Error('shadow session: no shadow run is current')),
};

export class ShadowSession {
  readonly #spec: ShadowSessionSpec;
  readonly #deps: ShadowSessionDeps;
  #ready?: Promise<ShadowLease>;
  #tail: Promise<unknown> = Promise.resolve();
  #runtime: Runtime = NOT_IN_A_RUN;
  #closed = false;

  constructor(spec: ShadowSessionSpec, deps: ShadowSessionDeps) {
    this.#spec = spec;
    this.#deps = deps;
  }

  /**
   * Runs `fn` with the session's client and replay, after every earlier run of this session, with
   * `runtime` as the client's clock, draws and sleeps. A session that could not be built is built
   * again by the next run (the failure is this run's).
   */
  run<T>(runtime: Runtime, fn: (lease: ShadowLease) => Promise<T>): Promise<T> {
    const result = this.#tail.then(async () => {
      if (this.#closed) throw new Error('shadow session closed');
      const lease = await this.#lease();
      this.#runtime = runtime;
      try {
        return await fn(lease);
      } finally {
        this.#runtime = NOT_IN_A_RUN;
      }
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  #lease(): Promise<ShadowLease> {
    this.#ready ??= this.#build().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #build(): Promise<ShadowLease> {
    const replay = await startReplayOrigin();
    try {
      // Building the shadow client is shadow mode's own business: a failure here is not a verdict
      // on the call (the caller counts it as a failed shadow run).
      let factory = await this.#deps.loadFactory(this.#spec.shadow);
      if (this.#deps.wrapShadowFactory) factory = this.#deps.wrapShadowFactory(this.#spec.shadow, factory);
      // A shadow run admits locally whatever the run's store: it must neither take a fleet's
      // (Redis) slots nor leave per-replay state behind in a shared store.
      const admission = this.#deps.admission ? { ...this.#deps.admission, store: { type: 'local' as const } } : undefined;
      // The client's runtime is whichever run holds the session (calls also pass it per call).
      const runtime: Runtime = {
        now: () => this.#runtime.now(),
        random: () => this.#runtime.random(),
        sleep: (ms, signal) => this.#runtime.sleep(ms, signal),
      };
      const client = await factory({
        provider: shadowProvider(this.#spec, replay.origin),
        model: this.#spec.model,
        runtime,
        admission,
        logger: silentLogger,
      });
      return { client, replay };
    } catch (error) {
      await replay.close();
      throw error;
    }
  }

  /** Waits for the runs already queued on this session, then releases the client and the replay. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    const ready = this.#ready;
    this.#ready = undefined;
    const lease = await ready?.catch(() => undefined);
    if (!lease) return;
    await lease.client.close().catch(() => undefined);
    await lease.replay.close();
  }
}
