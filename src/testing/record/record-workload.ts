// Records a workload against the real endpoints of a config into docs/contract.md "Fixtures" fixtures: every
// provider endpoint is rewritten to a loopback recording proxy, each call runs through one engine
// (v2 by default), and what crossed the wire is written out with credentials removed.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveProvider, type DataDesignerConfig } from '../../config/schemas.ts';
import { DataDesignerError } from '../../core/errors.ts';
import type { EngineName, ModelClient } from '../../core/model-client.ts';
import type { ChatRequest, EmbeddingRequest, ProviderType } from '../../core/types.ts';
import type { ClientFactory } from '../../config/client-factory.ts';
import { loadClientFactory, type EngineRouting } from '../../engine.ts';
import { parseFixture, type Fixture } from '../fixture.ts';
import type { ClientRunSummary } from '../../observability/client-run-summary.ts';
import { createProxyPool, type ProxyFailure } from './recording-proxy.ts';
import { collectSecrets, configuredHeaderNames, createScrubber } from './secret-scrubber.ts';
import { canonicalRequest, wireRequest, type WorkloadCall } from './workload.ts';

export interface RecordOptions {
  outDir: string;
  /** One engine for every call, or a routing per provider type (`--engine openai`); default v2. */
  engine?: EngineName | EngineRouting;
  env?: Record<string, string | undefined>;
  /** The date written into each fixture's `source`. */
  now?: Date;
  onCall?: (result: RecordedCall) => void;
  /** Counts every call into a run summary (--summary-json). */
  summary?: ClientRunSummary;
}

export interface RecordedCall {
  name: string;
  /** Written fixture, or undefined when nothing reached the provider. */
  file?: string;
  exchanges: number;
  /** `ok`, or the error class the engine raised (the fixture is still written: errors are evidence too). */
  outcome: string;
  failures: ProxyFailure[];
}

export async function recordWorkload(config: DataDesignerConfig, calls: WorkloadCall[], options: RecordOptions): Promise<RecordedCall[]> {
  const env = options.env ?? process.env;
  const scrubber = createScrubber(collectSecrets(config, env), configuredHeaderNames(config));
  const date = (options.now ?? new Date()).toISOString().slice(0, 10);
  const engine = options.engine ?? 'v2';
  const engineFor = (type: ProviderType): EngineName => (typeof engine === 'string' ? engine : engine[type]);
  // Loaded before any request: an engine this build lacks is a ConfigError, not a recorded outcome.
  const factories = new Map<ProviderType, ClientFactory>();
  for (const call of calls) {
    const type = call.provider.providerType;
    if (!factories.has(type)) factories.set(type, await loadClientFactory(engineFor(type)));
  }
  const proxies = createProxyPool(scrubber);
  const results: RecordedCall[] = [];
  try {
    // One call at a time, so every exchange a proxy sees belongs to the call in progress.
    for (const call of calls) {
      const { endpoint, proxy } = await proxies.route(call.provider);
      // Resolve against the real endpoint first: Bedrock reads its region from the hostname.
      const provider = { ...resolveProvider(call.provider, env), endpoint };
      const request = canonicalRequest(call);
      let outcome = 'ok';
      let client: ModelClient | undefined;
      try {
        client = await factories.get(call.provider.providerType)!({ provider, model: call.model });
        // The fixture keeps the canonical request; the wire also carries the provider's headers.
        const summary = options.summary;
        if (call.operation === 'embedding') {
          const wire = wireRequest(call, request as EmbeddingRequest);
          await (summary ? summary.embed(client, wire) : client.embed(wire));
        } else {
          const wire = wireRequest(call, request as ChatRequest);
          await (summary ? summary.chat(client, wire) : client.chat(wire));
        }
      } catch (error) {
        outcome = error instanceof DataDesignerError ? error.name : `Unmapped:${error instanceof Error ? error.name : typeof error}`;
      } finally {
        await client?.close().catch(() => {});
      }
      const { exchanges, failures } = proxy.take();
      const result: RecordedCall = { name: call.name, exchanges: exchanges.length, outcome, failures };
      if (exchanges.length > 0) {
        const { model: _model, timeout_ms: _deadline, ...canonical } = request as ChatRequest & EmbeddingRequest;
        const fixture: Fixture = parseFixture(
          {
            name: `${call.provider.providerType}/${call.name}`,
            provider: call.provider.providerType,
            operation: call.operation,
            model: call.model.model,
            baseUrl: call.provider.endpoint,
            // Replayed with the same dialect, or compare would translate the request another way.
            ...(call.provider.dialect ? { dialect: call.provider.dialect } : {}),
            source: `recorded by npm run record on ${date}`,
            request: scrubber.value(canonical),
            exchanges,
          },
          call.name,
        );
        const dir = join(options.outDir, call.provider.providerType);
        await mkdir(dir, { recursive: true });
        result.file = join(dir, `${call.name}.json`);
        await writeFile(result.file, `${JSON.stringify(fixture, null, 1)}\n`);
      }
      results.push(result);
      options.onCall?.(result);
    }
  } finally {
    await proxies.close();
  }
  return results;
}
