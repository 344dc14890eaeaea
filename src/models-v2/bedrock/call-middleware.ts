// Per-call work on the Bedrock client's own middleware stack. Middleware added to a command is
// re-sorted into the client's stack on every send; these two are installed once per client and
// find the call they serve through its command input (a fresh object per attempt).
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

export interface BedrockCallSlot {
  /** Caller headers set on the request as built (before the user agent and signing). */
  extraHeaders: Record<string, string>;
  /** The raw response headers of a deserialised success, filled in by the middleware. */
  responseHeaders: Record<string, string>;
}

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
  // The SDK's logger middleware filters every input and output through its schema (for a
  // logger that is a no-op here: we pass none) and sends nothing: it costs CPU on each call.
  client.middlewareStack.remove('loggerMiddleware');
}
