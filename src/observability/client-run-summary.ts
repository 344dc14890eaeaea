// A run summary for harness tools that call ModelClients directly instead of through a facade
// (record, compare --live): each client call counts as one facade-level call of its
// (alias, engine), with its attempts reported through the same CallObserver hook.
import type { CallOptions, ModelClient } from '../core/model-client.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../core/types.ts';
import type { FacadeTelemetry } from './call-telemetry/facade-telemetry.ts';
import type { ModelCallTelemetry } from './call-telemetry/model-call.ts';
import type { ObservabilityOptions } from './observability-options.ts';
import { RegistryObservability } from './registry-observability.ts';
import type { RunSummary } from './run-summary.ts';

export class ClientRunSummary {
  readonly #observability: RegistryObservability;
  readonly #telemetry = new Map<string, FacadeTelemetry>();

  constructor(options?: ObservabilityOptions) {
    this.#observability = new RegistryObservability(options);
  }

  chat(client: ModelClient, request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    return this.#counted(
      client,
      request.model,
      'chat',
      options,
      (o) => client.chat(request, o),
      (observed, r) => observed.chatSucceeded(r),
    );
  }

  embed(client: ModelClient, request: EmbeddingRequest, options: CallOptions = {}): Promise<EmbeddingResponse> {
    return this.#counted(
      client,
      request.model,
      'embeddings',
      options,
      (o) => client.embed(request, o),
      (observed, r) => observed.embedSucceeded(r),
    );
  }

  /** One client call counted as one facade-level call, its attempts heard through the observer. */
  async #counted<R>(
    client: ModelClient,
    model: string,
    operation: 'chat' | 'embeddings',
    options: CallOptions,
    send: (options: CallOptions) => Promise<R>,
    succeeded: (observed: ModelCallTelemetry, response: R) => void,
  ): Promise<R> {
    const call = this.#telemetryFor(client, model).begin(operation === 'chat' ? 'completion' : 'embed', true);
    const observed = call?.modelCall(operation);
    try {
      const response = await send(observed ? { ...options, observer: observed } : options);
      if (observed) succeeded(observed, response);
      call?.end();
      return response;
    } catch (error) {
      observed?.failed(error, options.signal);
      call?.end(error, options.signal);
      throw error;
    }
  }

  summary(): RunSummary {
    return this.#observability.runSummary();
  }

  #telemetryFor(client: ModelClient, model: string): FacadeTelemetry {
    const key = JSON.stringify([client.modelAlias, client.engine]);
    let telemetry = this.#telemetry.get(key);
    if (!telemetry) {
      telemetry = this.#observability.facadeTelemetry({
        alias: client.modelAlias,
        engine: client.engine,
        providerType: client.providerType,
        providerName: client.providerName,
        model,
      });
      this.#telemetry.set(key, telemetry);
    }
    return telemetry;
  }
}
