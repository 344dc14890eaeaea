// Holds one lazily created client and facade per model alias. Engine-agnostic: the caller hands
// in how to obtain a client factory for each provider type, so this file never names an engine module.
import type { AdmissionSnapshot } from '../core/admission-snapshot.ts';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { resolveRuntime, type EngineName, type ModelClient, type Runtime } from '../core/model-client.ts';
import type { ClientFactory } from '../config/client-factory.ts';
import type { ProviderType } from '../core/types.ts';
import { ToolRegistry } from '../tools/tool-registry.ts';
import { checkModelHealth } from './health-check.ts';
import { ModelFacade } from './model-facade.ts';
import { addSnapshots, formatUsageSummary, summarise, type UsageSnapshot, type UsageSummary } from './usage.ts';
import { resolveProvider, type DataDesignerConfig, type ModelConfig, type ResolvedProvider } from '../config/schemas.ts';
import { UNSET_VARIABLE_ORIGIN } from '../config/secret-ref.ts';
import type { ResolvedShadowOptions } from '../shadow/shadow-config.ts';
import { ShadowCounters, shadowCounterEntries, type ShadowCounterEntry } from '../shadow/shadow-counters.ts';
import type { ShadowController } from '../shadow/shadow-controller.ts';
import type { ObservabilityOptions } from '../observability/observability-options.ts';
import { RegistryObservability } from '../observability/registry-observability.ts';
import type { RunSummary } from '../observability/run-summary.ts';

export interface ModelRegistryOptions {
  engines: Record<ProviderType, EngineName>;
  loadFactory: (engine: EngineName) => Promise<ClientFactory>;
  env?: Record<string, string | undefined>;
  runtime?: Partial<Runtime>;
  logger: Logger;
  /** Shadow mode (docs/shadow-mode.md); absent: off. */
  shadow?: ResolvedShadowOptions;
  /** Spans and metrics through @opentelemetry/api (docs/observability.md); content capture is opt-in. */
  observability?: ObservabilityOptions;
}

export class ModelRegistry {
  readonly config: DataDesignerConfig;
  /** Provider type → engine that serves it (docs/contract.md "Engine switch"). */
  readonly engines: Readonly<Record<ProviderType, EngineName>>;
  readonly #options: ModelRegistryOptions;
  readonly #providers = new Map<string, ResolvedProvider>();
  readonly #clients = new Map<string, Promise<ModelClient>>();
  readonly #facades = new Map<string, ModelFacade>();
  #tools?: ToolRegistry;
  #closed = false;
  readonly #shadowCounters?: ShadowCounters;
  #shadow?: Promise<ShadowController>;
  readonly #observability: RegistryObservability;

  constructor(config: DataDesignerConfig, options: ModelRegistryOptions) {
    this.config = config;
    this.engines = Object.freeze({ ...options.engines });
    this.#options = options;
    if (options.shadow) this.#shadowCounters = new ShadowCounters();
    this.#observability = new RegistryObservability(
      options.observability,
      {
        admissionSnapshot: () => this.admissionSnapshot(),
        describeAlias: (alias) => {
          const model = this.config.models.find((m) => m.alias === alias);
          const provider = model && this.#providers.get(model.provider);
          return provider && { engine: this.engines[provider.providerType], providerType: provider.providerType };
        },
      },
      this.#shadowCounters ? () => this.shadowSummary() : undefined,
    );
    for (const provider of config.providers) {
      const resolved = resolveProvider(provider, options.env);
      this.#providers.set(provider.name, resolved);
      // An unset variable makes its own name the key (docs/contract.md "Config"), and the provider's 401 then says
      // "invalid key" without a word about the variable. The warning names the variable: an
      // all-caps name with underscores is the config's text, not a credential (config/secret-ref.ts).
      const origin = resolved.apiKey?.origin ?? '';
      if (origin.startsWith(UNSET_VARIABLE_ORIGIN)) {
        const variable = origin.slice(UNSET_VARIABLE_ORIGIN.length);
        options.logger.warn(
          `provider '${provider.name}': apiKey names the environment variable ${variable}, which is not set, so the text "${variable}" is sent as the key; export ${variable} (or put the key itself in the config).`,
        );
      }
    }
  }

  get aliases(): string[] {
    return this.config.models.map((m) => m.alias);
  }

  getModelConfig(alias: string): ModelConfig {
    const model = this.config.models.find((m) => m.alias === alias);
    if (!model) {
      const known = this.aliases.map((a) => `'${a}'`).join(', ') || '(none configured)';
      throw new ConfigError(`No model config with alias '${alias}' found; configured aliases: ${known}`, {
        solution: 'Use one of the configured aliases, or add a model config with this alias.',
      });
    }
    return model;
  }

  getProvider(name: string): ResolvedProvider {
    const provider = this.#providers.get(name);
    if (!provider) throw new ConfigError(`Unknown provider '${name}'`);
    return provider;
  }

  engineFor(alias: string): EngineName {
    const model = this.getModelConfig(alias);
    return this.engines[this.getProvider(model.provider).providerType];
  }

  /** The client for an alias, created on first use and reused afterwards. */
  getClient(alias: string): Promise<ModelClient> {
    if (this.#closed) return Promise.reject(this.#closedError(alias));
    let client = this.#clients.get(alias);
    if (!client) {
      client = this.#createClient(alias);
      this.#clients.set(alias, client);
      // A failed creation is not cached: the next call gets a fresh attempt and a fresh error.
      client.catch(() => this.#clients.delete(alias));
    }
    return client;
  }

  async #createClient(alias: string): Promise<ModelClient> {
    const model = this.getModelConfig(alias);
    const provider = this.getProvider(model.provider);
    const engine = this.engines[provider.providerType];
    const factory = await this.#options.loadFactory(engine);
    // close() while this client was being created: it is not created, or closed at once, and never
    // handed out (a call on it would only fail closed, and its shadow run judge that failure).
    if (this.#closed) throw this.#closedError(alias);
    this.#options.logger.debug(`creating ${engine} client for model '${alias}' on provider '${provider.name}'`);
    const client = await factory({
      provider,
      model,
      runtime: this.#options.runtime,
      admission: this.config.admission,
      logger: this.#options.logger,
    });
    if (this.#closed) return this.#closedWhileCreated(client, alias);
    if (!this.#options.shadow) return client;
    // Shadow mode never costs the caller a client: if its machinery cannot load, calls go unshadowed.
    let controller: ShadowController;
    try {
      controller = await this.#shadowController();
    } catch (error) {
      this.#options.logger.warn(`shadow mode is off for model '${alias}': it could not start (${(error as Error).message})`);
      return client;
    }
    if (this.#closed) return this.#closedWhileCreated(client, alias);
    return controller.wrap(client, model, provider);
  }

  async #closedWhileCreated(client: ModelClient, alias: string): Promise<never> {
    await client.close().catch(() => undefined);
    throw this.#closedError(alias);
  }

  // The shadow machinery is loaded only when shadow mode is on, on the first client; never once
  // the registry is closed (close() could not close a controller created after it).
  #shadowController(): Promise<ShadowController> {
    if (this.#closed && !this.#shadow) return Promise.reject(new Error('the registry is closed'));
    this.#shadow ??= import('../shadow/shadow-controller.ts').then(
      ({ ShadowController }) =>
        new ShadowController(this.#options.shadow!, {
          loadFactory: this.#options.loadFactory,
          admission: this.config.admission,
          logger: this.#options.logger,
          counters: this.#shadowCounters!,
          runtime: this.#options.runtime,
        }),
    );
    return this.#shadow;
  }

  /**
   * Shadow mode's counters per (alias, provider type, engine pair): sampled, compared, inParity,
   * outOfParity, dropped, failed, skipped, fixturesWritten, cpuMicros. Empty when shadow mode is off.
   */
  shadowSummary(): ShadowCounterEntry[] {
    return shadowCounterEntries(this.#shadowCounters);
  }

  /**
   * Resolves once every sampled call has settled and its shadow run has finished (immediately
   * when shadow mode is off); runs waiting for the CPU budget start at once. Under steady
   * traffic new sampled calls keep it waiting: call it when the job's calls are done.
   */
  async shadowIdle(): Promise<void> {
    if (this.#shadow) await (await this.#shadow).drain();
  }

  /**
   * What admission knows now for every alias with a client: the limit, what is in flight and
   * queued, the provider's rate buckets as admission mirrors them, and the last limit change.
   * Aliases sharing a (provider, model) admission (v2) share one entry; legacy limits each alias alone.
   */
  async admissionSnapshot(): Promise<AdmissionSnapshot[]> {
    const seen = new Set<string>();
    const entries: AdmissionSnapshot[] = [];
    for (const pending of this.#clients.values()) {
      const client = await pending.catch(() => undefined);
      for (const entry of client?.admissionSnapshot?.() ?? []) {
        const key = JSON.stringify([entry.provider, entry.model, entry.domain, entry.policy, entry.aliases]);
        if (seen.has(key)) continue;
        seen.add(key);
        // The admission store is v2's: legacy keeps its fixed limit whatever the store (MIGRATION.md).
        entries.push(
          entry.policy === 'fixed'
            ? {
                ...entry,
                store: { type: this.config.admission.store.type, ignored: 'the legacy engine keeps its fixed maxParallelRequests limit' },
              }
            : entry,
        );
      }
    }
    return entries;
  }

  /** Tool aliases and their MCP servers; servers start only when a tool alias is first used. */
  get tools(): ToolRegistry {
    this.#tools ??= new ToolRegistry(
      { tools: this.config.tools, mcpServers: this.config.mcpServers },
      { env: this.#options.env, logger: this.#options.logger },
    );
    return this.#tools;
  }

  /** The facade for an alias, created on first use (its client is created on its first request). */
  getModel(alias: string): ModelFacade {
    if (this.#closed) throw this.#closedError(alias);
    let facade = this.#facades.get(alias);
    if (!facade) {
      const model = this.getModelConfig(alias);
      facade = new ModelFacade({
        modelConfig: model,
        provider: this.getProvider(model.provider),
        engine: this.engineFor(alias),
        getClient: () => this.getClient(alias),
        tools: this.tools,
        runtime: this.#options.runtime,
        logger: this.#options.logger,
        telemetry: this.#observability.facadeTelemetry({
          alias,
          engine: this.engineFor(alias),
          providerType: this.getProvider(model.provider).providerType,
          providerName: model.provider,
          model: model.model,
        }),
      });
      this.#facades.set(alias, facade);
    }
    return facade;
  }

  /**
   * Checks each alias with one real request (reference §6.10) unless it has skipHealthCheck.
   * The first failure is rethrown as the model error it is, naming the alias.
   */
  async healthCheck(aliases: string[] = this.aliases): Promise<void> {
    const logger = this.#options.logger;
    for (const alias of aliases) {
      const facade = this.getModel(alias);
      if (facade.modelConfig.skipHealthCheck) {
        logger.info(`health check of model '${alias}' skipped (skipHealthCheck)`);
        continue;
      }
      try {
        await checkModelHealth(facade);
      } catch (error) {
        logger.warn(`health check of model '${alias}' (${facade.modelName}): ❌ Failed!`);
        throw error;
      }
      logger.info(`health check of model '${alias}' (${facade.modelName}): ✅ Passed!`);
    }
  }

  /** Usage per model id (aliases of one model id are added up), only for models that were used. */
  usageSummary(elapsedMs?: number): Record<string, UsageSummary> {
    const byModel = new Map<string, { snapshot: UsageSnapshot; startedAt: number }>();
    for (const facade of this.#facades.values()) {
      if (!facade.usage.hasUsage) continue;
      const current = byModel.get(facade.modelName);
      const snapshot = facade.usage.snapshot();
      byModel.set(
        facade.modelName,
        current
          ? { snapshot: addSnapshots(current.snapshot, snapshot), startedAt: Math.min(current.startedAt, facade.usage.startedAt) }
          : { snapshot, startedAt: facade.usage.startedAt },
      );
    }
    const now = resolveRuntime(this.#options.runtime).now();
    const out: Record<string, UsageSummary> = {};
    for (const [model, { snapshot, startedAt }] of byModel) {
      out[model] = summarise(snapshot, elapsedMs ?? now - startedAt);
    }
    return out;
  }

  /**
   * Every facade call so far per (alias, engine): calls, failures by class, attempts, retries,
   * 429s, tokens, latency percentiles and wall time (schema dd-run-summary/1, docs/observability.md).
   * Health checks and other skipUsageTracking calls are not counted. Survives close().
   */
  runSummary(): RunSummary {
    return this.#observability.runSummary();
  }

  /** Writes the usage summary to the log at info level, one block per model id. */
  logUsageSummary(elapsedMs?: number): void {
    const summaries = Object.entries(this.usageSummary(elapsedMs));
    if (summaries.length === 0) {
      this.#options.logger.info('model usage: no model usage recorded');
      return;
    }
    for (const [model, summary] of summaries) this.#options.logger.info(`model usage: ${formatUsageSummary(model, summary)}`);
  }

  /**
   * Terminal and idempotent. Calls in flight or waiting (for a slot, admission or a retry) end
   * promptly with the closed ConfigError of their client, on both engines (docs/engine-rules.md).
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#observability.close();
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    this.#facades.clear();
    await Promise.allSettled([
      // Shadow mode stops sampling first; runs already running finish, waiting ones (and calls
      // the closing clients end) are counted as dropped — shadowIdle() before close() runs them.
      this.#shadow?.then((controller) => controller.close()) ?? Promise.resolve(),
      ...clients.map(async (c) => (await c).close()),
      this.#tools?.close() ?? Promise.resolve(),
    ]);
    // A controller whose import was under way when close() began is closed too (close() is idempotent).
    await this.#shadow?.then((controller) => controller.close()).catch(() => undefined);
  }

  // The same class and wording as a closed client's error, so a caller sees one "closed" error.
  #closedError(alias: string): ConfigError {
    return new ConfigError(`The model registry is closed: no calls for alias '${alias}'`, {
      modelAlias: alias,
      solution: 'Close the registry only after its calls have settled; create a new registry to make more calls.',
    });
  }
}
