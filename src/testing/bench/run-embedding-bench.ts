// The embedding fan-out benchmark (issue 17): one large Titan call (one request per text) and one
// large Cohere call (batches of 96) per engine, against the fake provider in its own process at a
// fixed latency, timed against the target 1.5 × requests / maxParallelRequests × latency.
import { createModelRegistry } from '../../index.ts';
import { silentLogger } from '../../core/logger.ts';
import type { EngineName } from '../../core/model-client.ts';
import { startProviderProcess, type ProviderProcess } from '../soak/provider-process.ts';

export interface EmbeddingScenario {
  id: string;
  model: string;
  texts: number;
  /** InvokeModel requests the call needs: one per text (Titan) or per 96 texts (Cohere). */
  requests: number;
}

export const EMBEDDING_BENCH = { latencyMs: 50, maxParallelRequests: 32, targetFactor: 1.5 } as const;

export const EMBEDDING_SCENARIOS: readonly EmbeddingScenario[] = [
  { id: 'titan-1000', model: 'amazon.titan-embed-text-v2:0', texts: 1_000, requests: 1_000 },
  { id: 'cohere-10000', model: 'cohere.embed-english-v3', texts: 10_000, requests: Math.ceil(10_000 / 96) },
];

export interface EmbeddingRow {
  scenario: string;
  engine: EngineName;
  texts: number;
  /** Requests the provider saw during the measured call (every attempt). */
  providerRequests: number;
  peakInFlight: number;
  /** Wall time of each measured call, ms. */
  wallMs: number[];
  medianMs: number;
  /** 1.5 × requests / maxParallelRequests × latency. */
  targetMs: number;
  withinTarget: boolean;
}

export interface EmbeddingBenchOptions {
  engines: readonly EngineName[];
  /** Measured calls per engine × scenario; the median is reported. */
  repeats: number;
  onProgress?: (line: string) => void;
}

export function embeddingTargetMs(scenario: EmbeddingScenario): number {
  const { latencyMs, maxParallelRequests, targetFactor } = EMBEDDING_BENCH;
  return (targetFactor * scenario.requests * latencyMs) / maxParallelRequests;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function resetProvider(provider: ProviderProcess): Promise<void> {
  const response = await fetch(`${provider.endpoints.bedrock}/_fake/reset`, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`fake provider reset answered ${response.status}`);
}

async function measure(provider: ProviderProcess, engine: EngineName, scenario: EmbeddingScenario, repeats: number): Promise<EmbeddingRow> {
  const registry = createModelRegistry(
    {
      providers: [
        {
          name: 'fake-bedrock',
          endpoint: provider.endpoints.bedrock,
          providerType: 'bedrock',
          apiKey: 'bench-key-not-a-secret',
          region: 'us-east-1',
        },
      ],
      models: [
        {
          alias: 'embed',
          model: scenario.model,
          provider: 'fake-bedrock',
          inferenceParameters: { generationType: 'embedding', maxParallelRequests: EMBEDDING_BENCH.maxParallelRequests },
        },
      ],
    },
    { engine, env: {}, logger: silentLogger },
  );
  try {
    const client = await registry.getClient('embed');
    const input = Array.from({ length: scenario.texts }, (_, i) => `row ${i}: a lighthouse at dusk`);
    // Warm-up: SDK loading and the socket pool are not what is measured.
    await client.embed({
      model: '',
      input: input.slice(0, EMBEDDING_BENCH.maxParallelRequests * (scenario.requests === scenario.texts ? 1 : 96)),
    });
    const wallMs: number[] = [];
    let providerRequests = 0;
    let peakInFlight = 0;
    for (let run = 0; run < repeats; run++) {
      await resetProvider(provider);
      const started = performance.now();
      const response = await client.embed({ model: '', input });
      wallMs.push(performance.now() - started);
      if (response.data.length !== scenario.texts)
        throw new Error(`${scenario.id}: ${response.data.length} vectors for ${scenario.texts} texts`);
      const stats = await provider.stats();
      providerRequests = stats.requests;
      peakInFlight = Math.max(peakInFlight, stats.peakInFlight);
    }
    const targetMs = embeddingTargetMs(scenario);
    const medianMs = median(wallMs);
    return {
      scenario: scenario.id,
      engine,
      texts: scenario.texts,
      providerRequests,
      peakInFlight,
      wallMs,
      medianMs,
      targetMs,
      withinTarget: medianMs <= targetMs,
    };
  } finally {
    await registry.close();
  }
}

export async function runEmbeddingBench(options: EmbeddingBenchOptions): Promise<EmbeddingRow[]> {
  const provider = await startProviderProcess({ latencyMs: EMBEDDING_BENCH.latencyMs });
  const rows: EmbeddingRow[] = [];
  try {
    for (const scenario of EMBEDDING_SCENARIOS) {
      for (const engine of options.engines) {
        const row = await measure(provider, engine, scenario, options.repeats);
        rows.push(row);
        options.onProgress?.(
          `${scenario.id.padEnd(13)} ${engine.padEnd(6)} median ${row.medianMs.toFixed(0)} ms (target ${row.targetMs.toFixed(0)} ms), ${row.providerRequests} requests, peak ${row.peakInFlight} in flight`,
        );
      }
    }
  } finally {
    await provider.stop();
  }
  return rows;
}
