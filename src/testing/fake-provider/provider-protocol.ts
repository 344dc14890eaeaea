// The seam between the fake provider's HTTP server and the three wire protocols it speaks.
import type { IncomingHttpHeaders } from 'node:http';
import type { Operation, ProviderType } from '../../core/types.ts';

export interface FakeRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; `undefined` when the body was empty or not JSON. */
  body: unknown;
  rawBody: string;
}

export interface FakeReply {
  status: number;
  headers: Record<string, string>;
  /** Serialised as JSON unless it is a string. */
  body: unknown;
}

export interface RouteMatch {
  operation: Operation;
  /** Bedrock: the decoded model id from the path. */
  modelId?: string;
  /** Bedrock: `converse` or `invoke`. */
  action?: string;
}

export interface AnswerContext {
  /** Vector length when the request does not choose one. */
  embeddingDimensions: number;
  /** 1-based number of this request since the server started (request ids). */
  requestNumber: number;
  /** Milliseconds of configured latency (Bedrock reports it in `metrics`). */
  latencyMs: number;
}

export interface ErrorOptions {
  /** Overrides the provider's error type for this status (OpenAI `type`, Anthropic `error.type`, Bedrock `x-amzn-errortype`). */
  type?: string;
  /** Sent as the `retry-after` header (seconds). */
  retryAfter?: string;
  /** OpenAI `param`. */
  param?: string | null;
  /** OpenAI `code`. */
  code?: string | null;
}

export interface ProviderProtocol {
  readonly provider: ProviderType;
  match(method: string, pathname: string): RouteMatch | undefined;
  /** A 401 in the provider's shape when the request carries no usable credential. */
  authorize(request: FakeRequest): FakeReply | undefined;
  /** Validates like the real provider and answers deterministically. */
  answer(route: RouteMatch, request: FakeRequest, context: AnswerContext): FakeReply;
  /**
   * What the token-rate bucket charges for this request: prompt tokens counted as the answer's
   * usage counts them, plus the output the request may ask for (`max_tokens` and kin; 0 when it
   * sets none). Never throws: a malformed body costs what can be read of it.
   */
  tokenCost(route: RouteMatch, request: FakeRequest): number;
  /** An error response in the provider's own envelope. */
  error(status: number, message: string, options?: ErrorOptions): FakeReply;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}
