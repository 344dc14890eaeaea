// What shadow mode keeps of one sampled call once it has settled: everything redacted.
import type { ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import type { EngineName } from '../core/model-client.ts';
import type { ChatRequest, EmbeddingRequest, ProviderType } from '../core/types.ts';

export interface KeptExchange {
  method: string;
  /** Path and query as sent. */
  path: string;
  /** The request body text, redacted. */
  bodyText: string;
  response?: { status: number; headers: Record<string, string>; bodyText: string };
  /** No complete response: the replay cuts the connection. */
  transportError?: string;
}

export interface PrimaryOutcome {
  ok: boolean;
  response?: unknown;
  error?: { type: string; status?: number; message?: string };
}

export interface CapturedCall {
  alias: string;
  providerType: ProviderType;
  primary: EngineName;
  shadow: EngineName;
  operation: 'chat' | 'embedding';
  request: ChatRequest | EmbeddingRequest;
  model: ModelConfig;
  provider: ResolvedProvider;
  /** The provider's endpoint, redacted (a fixture's `baseUrl`). */
  baseUrl: string;
  /** The primary's clock when the call began; the shadow runs on it (moved only by its sleeps). */
  startedAt: number;
  /** The primary's jitter draws, replayed to the shadow in order. */
  draws: number[];
  /** The primary's asked-for sleeps, in ms. */
  sleeps: number[];
  exchanges: KeptExchange[];
  outcome: PrimaryOutcome;
  timeoutMs?: number;
}
