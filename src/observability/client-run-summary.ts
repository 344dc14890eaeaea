// A run summary for harness tools that call ModelClients directly instead of through a facade
// (record, compare --live): each client call counts as one facade-level call of its
// (alias, engine), with its attempts reported through the same CallObserver hook.
import type { CallOptions, ModelClient } from '../core/model-client.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../core/types.ts';
import type { FacadeTelemetry } from './facade-telemetry.ts';
import type { ObservabilityOptions } from './observability-options.ts';
import { RegistryObservability } from './registry-observability.ts';
import type { RunSummary } from './run-summary.ts';

export class ClientRunSummary {
  readonly #observability: RegistryObservability;
  readonly #telemetry = new Map<string, FacadeTelemetry>();

  constructor(options?: ObservabilityOptions) {
    this.#observability = new RegistryObservability(options);
  }

  async chat(client: ModelClient, request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const call = this.#telemetryFor(client, request.model).begin('completion', true);
    const observed = call?.modelCall('chat');
    try {
      const response = await client.chat(request, observed ? { ...options, observer: observed } : options);
      observed?.chatSucceeded(response);
      call?.end();
      return response;
    } catch (error) {
      observed?.failed(error, options.signal);
      call?.end(error, options.signal);
      throw error;
    }
  }

  async embed(client: ModelClient, request: EmbeddingRequest, options: CallOptions = {}): Promise<EmbeddingResponse> {
    const call = this.#telemetryFor(client, request.model).begin('embed', true);
    const observed = call?.modelCall('embeddings');
    try {
      const response = await client.embed(request, observed ? { ...options, observer: observed } : options);
      observed?.embedSucceeded(response);
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
