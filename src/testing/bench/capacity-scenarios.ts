// The capacity benchmark's scenarios (issue "v2 throughput under provider limits"): a provider
// with a limit, a job bigger than the limit allows at once, and the rate that limit allows —
// the yardstick goodput is measured against.
import type { FakeProviderOptions } from '../fake-provider/fake-provider-server.ts';

export type CapacityScenarioId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'r' | 's';

export interface CapacityScenario {
  id: CapacityScenarioId;
  title: string;
  protocol: 'openai' | 'anthropic';
  provider: FakeProviderOptions;
  /** Aliases of one model and their maxParallelRequests; calls are spread over them in turn. */
  aliases: { alias: string; maxParallelRequests: number }[];
  /** A fixed job of this many calls, all submitted at once (a column's rows)... */
  calls?: number;
  /** ...or callers that loop for this long (scenario e, which is about time). */
  loop?: { callers: number; seconds: number };
  maxTokens: number;
  /** Successful calls per second the limiting resource allows (for c, computed from the measured token cost). */
  limitingRate: (measured: { tokensPerCall: number }) => number;
  limitingResource: string;
  /** Limit changes: the capacity in force from each second on (scenario e). */
  capacityPhases?: { fromSecond: number; capacity: number }[];
}

const LATENCY_MS = 50;

export const CAPACITY_SCENARIOS: readonly CapacityScenario[] = [
  {
    id: 'a',
    title: 'concurrency cap 16 (429 + retry-after: 1 above it), 3,000 calls, 50 ms',
    protocol: 'openai',
    provider: { latencyMs: LATENCY_MS, capacity: 16, retryAfterSeconds: 1 },
    aliases: [{ alias: 'chat', maxParallelRequests: 64 }],
    calls: 3000,
    maxTokens: 16,
    limitingRate: () => 16 / (LATENCY_MS / 1000),
    limitingResource: '16 in flight × 50 ms',
  },
  {
    id: 'b',
    title: '1,200 requests/min (burst 20) with x-ratelimit-* headers, 600 calls, 200 ms',
    protocol: 'openai',
    provider: { latencyMs: 200, requestsPerMinute: 1200, requestBurst: 20 },
    aliases: [{ alias: 'chat', maxParallelRequests: 64 }],
    calls: 600,
    maxTokens: 16,
    // The burst is spent once at the start; after it, 20 a second.
    limitingRate: () => 1200 / 60,
    limitingResource: '1,200 requests/min',
  },
  {
    id: 'c',
    title: 'token budget 120,000 tokens/min (burst 4,000), Anthropic headers, 600 calls, 50 ms',
    protocol: 'anthropic',
    provider: { latencyMs: LATENCY_MS, tokensPerMinute: 120_000, tokenBurst: 4000 },
    aliases: [{ alias: 'chat', maxParallelRequests: 64 }],
    calls: 600,
    maxTokens: 180,
    limitingRate: ({ tokensPerCall }) => 120_000 / 60 / tokensPerCall,
    limitingResource: '120,000 tokens/min',
  },
  {
    id: 'd',
    title: 'no limit, 5 % random 429s with retry-after: 1, 2,000 calls, 50 ms',
    protocol: 'openai',
    provider: { latencyMs: LATENCY_MS, noiseRate: 0.05, noiseStatuses: [429], noiseRetryAfterSeconds: 1, seed: 7 },
    aliases: [{ alias: 'chat', maxParallelRequests: 64 }],
    calls: 2000,
    maxTokens: 16,
    limitingRate: () => 64 / (LATENCY_MS / 1000),
    limitingResource: 'the client’s own 64 in flight × 50 ms',
  },
  {
    id: 'e',
    title: 'concurrency cap 32 → 8 at 10 s → 32 at 20 s, 128 callers for 30 s, 50 ms',
    protocol: 'openai',
    provider: {
      latencyMs: LATENCY_MS,
      capacity: 32,
      retryAfterSeconds: 1,
      schedule: [
        { atSeconds: 10, capacity: 8 },
        { atSeconds: 20, capacity: 32 },
      ],
    },
    aliases: [{ alias: 'chat', maxParallelRequests: 64 }],
    loop: { callers: 128, seconds: 30 },
    maxTokens: 16,
    limitingRate: () => (32 * 20 + 8 * 10) / 30 / (LATENCY_MS / 1000),
    limitingResource: 'the cap in force × 50 ms (time-weighted)',
    capacityPhases: [
      { fromSecond: 0, capacity: 32 },
      { fromSecond: 10, capacity: 8 },
      { fromSecond: 20, capacity: 32 },
    ],
  },
  {
    id: 'f',
    title: 'two aliases of one model, maxParallelRequests 10 and 3, no provider limit, 300 calls, 50 ms',
    protocol: 'openai',
    provider: { latencyMs: LATENCY_MS },
    aliases: [
      { alias: 'wide', maxParallelRequests: 10 },
      { alias: 'narrow', maxParallelRequests: 3 },
    ],
    calls: 300,
    maxTokens: 16,
    limitingRate: () => 3 / (LATENCY_MS / 1000),
    limitingResource: 'the smaller cap: 3 in flight × 50 ms',
  },
  {
    // Not a limit scenario: a's job with the client told the provider's cap (16) and the provider
    // unlimited. No admission policy can beat it, so it shows what goodput this machine allows
    // at 16 in flight × 50 ms (each call also spends client and fake-provider time).
    id: 'r',
    title: 'reference for a: maxParallelRequests 16, no provider limit, 3,000 calls, 50 ms',
    protocol: 'openai',
    provider: { latencyMs: LATENCY_MS },
    aliases: [{ alias: 'chat', maxParallelRequests: 16 }],
    calls: 3000,
    maxTokens: 16,
    limitingRate: () => 16 / (LATENCY_MS / 1000),
    limitingResource: '16 in flight × 50 ms (known, not learnt)',
  },
  {
    // Likewise for d: the same job without the noise, so no Retry-After tail and nothing to learn.
    id: 's',
    title: 'reference for d: no limit, no noise, 2,000 calls, 50 ms',
    protocol: 'openai',
    provider: { latencyMs: LATENCY_MS },
    aliases: [{ alias: 'chat', maxParallelRequests: 64 }],
    calls: 2000,
    maxTokens: 16,
    limitingRate: () => 64 / (LATENCY_MS / 1000),
    limitingResource: 'the client’s own 64 in flight × 50 ms',
  },
];

export const SCENARIO_LATENCY_MS = LATENCY_MS;
