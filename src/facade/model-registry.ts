// Holds one lazily created client per model alias. Engine-agnostic: the caller hands in how to
// obtain a client factory for each provider type, so this file never names an engine module.
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ClientFactory, EngineName, ModelClient, Runtime } from '../core/model-client.ts';
import type { ProviderType } from '../core/types.ts';
import {
  resolveProvider,
  type DataDesignerConfig,
  type ModelConfig,
  type ResolvedProvider,
} from '../config/schemas.ts';

export interface ModelRegistryOptions {
  engines: Record<ProviderType, EngineName>;
  loadFactory: (engine: EngineName) => Promise<ClientFactory>;
  env?: Record<string, string | undefined>;
  runtime?: Partial<Runtime>;
  logger: Logger;
}

export class ModelRegistry {
  readonly config: DataDesignerConfig;
  /** Provider type → engine that serves it (SPEC §9). */
  readonly engines: Readonly<Record<ProviderType, EngineName>>;
  readonly #options: ModelRegistryOptions;
  readonly #providers = new Map<string, ResolvedProvider>();
  readonly #clients = new Map<string, Promise<ModelClient>>();
  #closed = false;

  constructor(config: DataDesignerConfig, options: ModelRegistryOptions) {
    this.config = config;
    this.engines = Object.freeze({ ...options.engines });
    this.#options = options;
    for (const provider of config.providers) this.#providers.set(provider.name, resolveProvider(provider, options.env));
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
    if (this.#closed) return Promise.reject(new ConfigError('The model registry is closed'));
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
    this.#options.logger.debug(`creating ${engine} client for model '${alias}' on provider '${provider.name}'`);
    return factory({ provider, model, runtime: this.#options.runtime });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(clients.map(async (c) => (await c).close()));
  }
}
