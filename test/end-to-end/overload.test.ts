// A provider with less capacity than the configured concurrency (docs/contract.md "Retries, timeouts, admission"): v2's adaptive throttle
// must back off to what the provider accepts and finish every call, where a fixed-concurrency
// client burns its retry budget on 429s. Real sockets, real (short) Retry-After waits.
import { describe, expect, it } from 'vitest';
import { createModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import { startFakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES } from '../../src/testing/engines.ts';

const CALLS = 120;

async function overload(engine: EngineName) {
  const provider = await startFakeProvider({ capacity: 4, retryAfterSeconds: 0.05, latencyMs: 20 });
  const registry = createModelRegistry(
    {
      providers: [{ name: 'small', endpoint: provider.endpoints.openai, providerType: 'openai', apiKey: 'fake-key-not-a-secret' }],
      models: [{ alias: 'm', model: 'gpt-4o-mini', provider: 'small', inferenceParameters: { maxParallelRequests: 16 } }],
    },
    { engine, env: {}, logger: silentLogger },
  );
  try {
    const client = await registry.getClient('m');
    const results = await Promise.allSettled(
      Array.from({ length: CALLS }, (_, i) => client.chat({ model: '', messages: [{ role: 'user', content: `row ${i}` }], max_tokens: 8 })),
    );
    const stats = provider.stats();
    return { succeeded: results.filter((r) => r.status === 'fulfilled').length, rateLimited: stats.rejectedByCapacity };
  } finally {
    await registry.close();
    await provider.close();
  }
}

describe('overload: 16 configured in flight against a provider that takes 4', () => {
  it('v2 adapts and completes every call with few 429s; legacy spends far more of them', async () => {
    const v2 = await overload('v2');
    // AIMD keeps probing one above the provider's capacity (+1 after 25 successes), so a call can
    // be the rejected one four times running and exhaust its 429 budget: measured 1 in 1000
    // calls (5 rounds of 200). Allowing one such call keeps this test deterministic in practice.
    expect(v2.succeeded).toBeGreaterThanOrEqual(CALLS - 1);
    // One cascade's worth of rejections per step down (16 → 12 → 9 → 6 → 4) plus the probes,
    // not one per call.
    expect(v2.rateLimited).toBeLessThan(CALLS / 2);
    // Legacy is the reference this is measured against while it exists (phase 4 drops it).
    if (ENGINES.includes('legacy')) {
      const legacy = await overload('legacy');
      expect(legacy.rateLimited).toBeGreaterThan(v2.rateLimited * 3);
      expect(legacy.succeeded).toBeLessThan(v2.succeeded);
    }
  });
});
