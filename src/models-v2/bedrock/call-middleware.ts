// Per-call work on the Bedrock client's own middleware stack. Middleware added to a command is
// re-sorted into the client's stack on every send; these two are installed once per client and
// find the call they serve through its command input (a fresh object per attempt).
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { randomUUID } from 'node:crypto';

export interface BedrockCallSlot {
  /** Caller headers set on the request as built (before the user agent and signing). */
  extraHeaders: Record<string, string>;
  /** The raw response headers of a deserialised success, filled in by the middleware. */
  responseHeaders: Record<string, string>;
}

/** What the SDK's retry middleware sends with maxAttempts 1 (the client is built with it). */
const SINGLE_ATTEMPT = 'attempt=1; max=1';

interface HeaderCarrier {
  headers?: Record<string, string>;
}

export function installCallMiddleware(client: BedrockRuntimeClient, slots: WeakMap<object, BedrockCallSlot>): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const slot = slots.get(args.input as object);
      const httpRequest = args.request as HeaderCarrier | undefined;
      if (slot && httpRequest?.headers) Object.assign(httpRequest.headers, slot.extraHeaders);
      return next(args);
    },
    { step: 'build', name: 'dataDesignerExtraHeaders' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const slot = slots.get(args.input as object);
      if (slot) slot.responseHeaders = (result.response as HeaderCarrier | undefined)?.headers ?? {};
      return result;
    },
    { step: 'deserialize', name: 'dataDesignerResponseHeaders' },
  );
  // The SDK's retry middleware, at our maxAttempts of 1, does two things a request shows: a fresh
  // `amz-sdk-invocation-id` (a UUID v4) and `amz-sdk-request: attempt=1; max=1`. It also acquires
  // and settles a retry token and races it against the abort signal on every call, for retries
  // that never come (our executor owns retries). The same two headers, set at the same place
  // (first in finalizeRequest, before signing), cost nothing else. It takes the SDK middleware's
  // name (override): the signing middleware is placed relative to `retryMiddleware`.
  client.middlewareStack.add(
    (next) => (args) => {
      const httpRequest = args.request as HeaderCarrier | undefined;
      if (httpRequest?.headers) {
        httpRequest.headers['amz-sdk-invocation-id'] = randomUUID();
        httpRequest.headers['amz-sdk-request'] = SINGLE_ATTEMPT;
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'high', name: 'retryMiddleware', tags: ['RETRY'], override: true },
  );
  // The SDK's logger middleware filters every input and output through its schema (for a
  // logger that is a no-op here: we pass none) and sends nothing: it costs CPU on each call.
  client.middlewareStack.remove('loggerMiddleware');
}
