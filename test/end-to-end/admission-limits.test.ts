// Each provider limit type against the fake provider over real sockets, both engines: v2's
// default admission policy adapts to the limit (pacing from headers where the provider sends
// them, learning from 429s where it does not); legacy keeps its fixed maxParallelRequests.
// Assertions are about outcomes and counts, never about how long anything took.
import { describe, expect, it } from 'vitest';
import { createModelRegistry } from '../../src/index.ts';
import { silentLogger, type Logger } from '../../src/core/logger.ts';
import { systemRuntime, type EngineName } from '../../src/core/model-client.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProviderOptions } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES } from '../../src/testing/engines.ts';

interface Job {
  engine: EngineName;
  providerType: ProviderType;
  model: string;
  fake: FakeProviderOptions;
  calls: number;
  maxParallelRequests: number;
  maxTokens?: number;
  /** Scale real sleeps down (Bedrock sends no retry hint, so its backoff is 2 s × 2^k). */
  sleepScale?: number;
}

async function runJob(job: Job) {
  const provider = await startFakeProvider(job.fake);
  const changes: string[] = [];
  const logger: Logger = { ...silentLogger, info: (line) => void (line.includes('→') && changes.push(line)) };
  const scale = job.sleepScale ?? 1;
  const registry = createModelRegistry(
    {
      providers: [
        {
          name: 'limited',
          endpoint: provider.endpoints[job.providerType],
          providerType: job.providerType,
          apiKey: 'fake-key-not-a-secret',
          ...(job.providerType === 'bedrock' ? { region: 'us-east-1' } : {}),
        },
      ],
      models: [
        { alias: 'rows', model: job.model, provider: 'limited', inferenceParameters: { maxParallelRequests: job.maxParallelRequests } },
      ],
    },
    {
      engine: job.engine,
      env: {},
      logger,
      ...(scale !== 1 ? { runtime: { sleep: (ms: number, signal?: AbortSignal) => systemRuntime.sleep(ms * scale, signal) } } : {}),
    },
  );
  try {
    const client = await registry.getClient('rows');
    const results = await Promise.allSettled(
      Array.from({ length: job.calls }, (_, i) =>
        client.chat({ model: '', messages: [{ role: 'user', content: `row ${i} of the job` }], max_tokens: job.maxTokens ?? 8 }),
      ),
    );
    const stats = provider.stats();
    return {
      succeeded: results.filter((r) => r.status === 'fulfilled').length,
      failed: results.filter((r) => r.status === 'rejected').length,
      stats,
      snapshot: (await registry.admissionSnapshot()).find((s) => s.domain === 'chat'),
      changes,
    };
  } finally {
    await registry.close();
    await provider.close();
  }
}

describe('admission against a concurrency cap', () => {
  const job = (engine: EngineName): Job => ({
    engine,
    providerType: 'openai',
    model: 'gpt-4o-mini',
    fake: { capacity: 4, retryAfterSeconds: 0.05, latencyMs: 20 },
    calls: 120,
    maxParallelRequests: 16,
  });

  it('v2 settles on what the provider serves and finishes every call; legacy keeps sending 16 at once', async () => {
    const v2 = await runJob(job('v2'));
    expect(v2.failed).toBe(0);
    expect(v2.snapshot?.policy).toBe('capacity');
    expect(v2.snapshot?.limit).toBeGreaterThanOrEqual(3);
    expect(v2.snapshot?.limit).toBeLessThanOrEqual(6);
    expect(v2.changes.length).toBeGreaterThan(0);
    expect(v2.changes[0]).toMatch(/gpt-4o-mini on limited \(rows\), chat: limit 16 → \d+ \(/);
    // Legacy is the reference this is measured against while it exists (phase 4 drops it).
    if (ENGINES.includes('legacy')) {
      const legacy = await runJob(job('legacy'));
      expect(legacy.snapshot).toMatchObject({ policy: 'fixed', limit: 16 });
      expect(legacy.stats.rejected.capacity).toBeGreaterThan(v2.stats.rejected.capacity * 3);
    }
  });
});

describe('admission against a request-rate limit with OpenAI headers', () => {
  // 600 a minute (10 a second) with a bucket of 5: the headers on every answer let v2 pace.
  const job = (engine: EngineName): Job => ({
    engine,
    providerType: 'openai',
    model: 'gpt-4o-mini',
    fake: { requestsPerMinute: 600, requestBurst: 5, latencyMs: 10 },
    calls: 30,
    maxParallelRequests: 8,
  });

  it('v2 paces from x-ratelimit-* and finishes every call with few 429s; legacy burns far more', async () => {
    const v2 = await runJob(job('v2'));
    expect(v2.failed).toBe(0);
    expect(v2.snapshot?.requests?.limit).toBe(5);
    // The first burst of 8 meets a bucket of 5; after that, pacing keeps ahead of the 429s.
    expect(v2.stats.rejected.requestRate).toBeLessThanOrEqual(8);
    // A 429 explained by an empty bucket is the pacing's business: concurrency is untouched.
    expect(v2.snapshot?.limit).toBe(8);
    // Legacy is the reference this is measured against while it exists (phase 4 drops it).
    if (ENGINES.includes('legacy')) {
      const legacy = await runJob(job('legacy'));
      expect(legacy.stats.rejected.requestRate).toBeGreaterThan(v2.stats.rejected.requestRate * 2);
    }
  });
});

describe('admission against a token-rate limit with Anthropic headers', () => {
  const job = (engine: EngineName): Job => ({
    engine,
    providerType: 'anthropic',
    model: 'claude-sonnet-4-5',
    // Each call costs about 5 prompt words + 100 max_tokens: 63,000 tokens a minute is about 10
    // calls a second, with a bucket of 4 calls.
    fake: { tokensPerMinute: 63_000, tokenBurst: 420, latencyMs: 10 },
    calls: 24,
    maxParallelRequests: 8,
    maxTokens: 100,
  });

  it('v2 paces by estimated tokens from anthropic-ratelimit-tokens-*; legacy burns far more 429s', async () => {
    const v2 = await runJob(job('v2'));
    expect(v2.failed).toBe(0);
    expect(v2.snapshot?.tokens?.limit).toBe(420);
    expect(v2.snapshot?.limit).toBe(8);
    expect(v2.stats.rejected.tokenRate).toBeLessThanOrEqual(8);
    // Legacy is the reference this is measured against while it exists (phase 4 drops it).
    if (ENGINES.includes('legacy')) {
      const legacy = await runJob(job('legacy'));
      expect(legacy.stats.rejected.tokenRate).toBeGreaterThan(v2.stats.rejected.tokenRate * 2);
    }
  });
});

describe('admission against Bedrock throttling (no headers, no retry hint)', () => {
  const job = (engine: EngineName): Job => ({
    engine,
    providerType: 'bedrock',
    model: 'us.amazon.nova-micro-v1:0',
    fake: { capacity: 3, latencyMs: 20 },
    calls: 60,
    maxParallelRequests: 12,
    sleepScale: 0.01,
  });

  it('v2 learns the ceiling from ThrottlingException alone and finishes every call', async () => {
    const v2 = await runJob(job('v2'));
    expect(v2.failed).toBe(0);
    expect(v2.snapshot?.limit).toBeLessThanOrEqual(5);
    // Legacy is the reference this is measured against while it exists (phase 4 drops it).
    if (ENGINES.includes('legacy')) {
      const legacy = await runJob(job('legacy'));
      expect(legacy.stats.rejected.capacity).toBeGreaterThan(v2.stats.rejected.capacity * 2);
    }
  });
});

describe('admission with random transient 429s and no limit', () => {
  it('v2 treats isolated 429s as noise: the limit stays at maxParallelRequests and every call finishes', async () => {
    const v2 = await runJob({
      engine: 'v2',
      providerType: 'openai',
      model: 'gpt-4o-mini',
      fake: { noiseRate: 0.03, noiseStatuses: [429], noiseRetryAfterSeconds: 0.05, latencyMs: 10, seed: 3 },
      calls: 300,
      maxParallelRequests: 32,
    });
    expect(v2.failed).toBe(0);
    expect(v2.stats.rejected.noise).toBeGreaterThan(0);
    expect(v2.snapshot?.limit).toBe(32);
    expect(v2.changes).toEqual([]);
  });
});
