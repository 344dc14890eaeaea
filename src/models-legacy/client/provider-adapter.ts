import type { ResolvedProvider } from '../../config/schemas.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, ProviderType } from '../../core/types.ts';
import type { JsonRecord } from '../canonical/json-value.ts';
import type { SignableRequest } from '../bedrock/request-signing.ts';
import type { EmbeddedFailure } from '../openai/embedded-failure.ts';

/** One HTTP exchange to make: a path under the provider endpoint and a JSON body. */
export interface WireCall {
  path: string;
  body: JsonRecord;
  /** A 2xx body that reports a failure (engine-rules "A 2xx body decides"): classified in the attempt. */
  failureIn?(body: unknown): EmbeddedFailure | undefined;
}

export interface WireResult {
  /** The parsed JSON body of a 2xx response. */
  body: unknown;
  headers: Record<string, string>;
}

export interface ChatPlan {
  call: WireCall;
  parse(result: WireResult): ChatResponse;
}

export interface EmbeddingPlan {
  /** Sent side by side (Titan takes one text per request, Cohere 96); results come back in this order. */
  calls: WireCall[];
  /** Which texts call `index` carries, for the error when it fails (`text 437 of 1000`). */
  label(index: number): string;
  parse(results: WireResult[]): EmbeddingResponse;
}

export interface CallInput<R> {
  request: R;
  /** Provider model id (request.model, else the model config's). */
  model: string;
  /** request.extra_body with the provider's extraBody winning key by key. */
  extraBody: JsonRecord;
}

/** The wire dialect of one provider type; the router owns transport, retries and errors. */
export interface ProviderAdapter {
  readonly providerType: ProviderType;
  url(path: string): URL;
  /** Protocol and credential headers, lower-case names. */
  headers(): Record<string, string>;
  /** Headers that must be computed over the final request (SigV4), when needed. */
  sign?(request: SignableRequest): Promise<Record<string, string>>;
  planChat(input: CallInput<ChatRequest>): ChatPlan;
  planEmbedding(input: CallInput<EmbeddingRequest>): EmbeddingPlan;
}

export type AdapterFactory = (provider: ResolvedProvider) => ProviderAdapter;

export function joinUrl(base: string, path: string): URL {
  return new URL(`${base.replace(/\/+$/, '')}${path}`);
}
