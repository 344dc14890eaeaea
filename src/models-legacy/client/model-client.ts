import type { ModelConfig, ResolvedProvider } from '../../config/schemas.ts';
import type { AdmissionSnapshot } from '../../core/admission-snapshot.ts';
import type { CallOptions, ModelClient, Runtime } from '../../core/model-client.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, ProviderType } from '../../core/types.ts';
import { CustomRouter } from './router.ts';

export interface LegacyModelClientArgs {
  provider: ResolvedProvider;
  model: ModelConfig;
  runtime?: Partial<Runtime>;
}

/** The `ModelClient` of the legacy engine: a router holding this model's single deployment. */
export class LegacyModelClient implements ModelClient {
  readonly engine = 'legacy' as const;
  readonly providerType: ProviderType;
  readonly providerName: string;
  readonly modelAlias: string;
  readonly router: CustomRouter;
  readonly #provider: ResolvedProvider;
  readonly #model: ModelConfig;

  constructor({ provider, model, runtime }: LegacyModelClientArgs) {
    this.#provider = provider;
    this.#model = model;
    this.providerType = provider.providerType;
    this.providerName = provider.name;
    this.modelAlias = model.alias;
    this.router = new CustomRouter({ deployments: [{ provider, model }], runtime });
  }

  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    return this.router.chat(this.modelAlias, request, options);
  }

  embed(request: EmbeddingRequest, options?: CallOptions): Promise<EmbeddingResponse> {
    return this.router.embed(this.modelAlias, request, options);
  }

  close(): Promise<void> {
    return this.router.close();
  }

  /** Legacy admits up to maxParallelRequests per alias, whatever the provider says: a fixed limit. */
  admissionSnapshot(): AdmissionSnapshot[] {
    const { active, waiting } = this.router.load(this.modelAlias);
    const limit = this.#model.inferenceParameters.maxParallelRequests;
    return [
      {
        policy: 'fixed',
        aliases: [this.modelAlias],
        model: this.#model.model,
        provider: this.#provider.name,
        domain: this.#model.inferenceParameters.generationType === 'embedding' ? 'embedding' : 'chat',
        cap: limit,
        limit,
        inFlight: active,
        queued: waiting,
      },
    ];
  }
}
