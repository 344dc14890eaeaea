// One embedding call that needs several InvokeModel requests (Titan: one per text; Cohere: one per
// 96 texts) runs them concurrently. Each is a `run` of its own — its own retry loop, admission
// before every attempt — and the results are handed back in input order. The first request to
// fail for good fails the call and stops the others (docs/engine-rules.md, "Embedding fan-out").
import { setMaxListeners } from 'node:events';
import { ConfigError, DataDesignerError } from '../../core/errors.ts';
import type { CallOptions } from '../../core/model-client.ts';

/** Why the other requests of a call were stopped; a caller never sees it. */
class SiblingFailed extends Error {
  constructor() {
    super('another request of this embedding call failed');
    this.name = 'SiblingFailed';
  }
}

/** Which texts a request carried, added to its error's cause sentence and message. */
export function withTextLabel(error: DataDesignerError, label: string): DataDesignerError {
  const oldCause = error.causeText;
  const oldMessage = error.message;
  const cause = /[.!?]$/.test(oldCause) ? `${oldCause.slice(0, -1)} (${label})${oldCause.slice(-1)}` : `${oldCause} (${label})`;
  const message = oldMessage.startsWith(oldCause) ? cause + oldMessage.slice(oldCause.length) : `${oldMessage} (${label})`;
  Object.defineProperty(error, 'causeText', { value: cause, enumerable: true, writable: true, configurable: true });
  error.message = message;
  const stackHead = `${error.name}: ${oldMessage}`;
  if (error.stack?.startsWith(stackHead)) error.stack = `${error.name}: ${message}${error.stack.slice(stackHead.length)}`;
  return error;
}

export interface FanOutRequest<T> {
  /** How many requests the call needs. */
  count: number;
  /** Sends request `index` (one `run`) with call options whose signal also stops it when a sibling fails. */
  send: (index: number, options: CallOptions) => Promise<T>;
  /** `text 437 of 1000`: names request `index` in its error. */
  label: (index: number) => string;
}

export async function sendConcurrently<T>(options: CallOptions | undefined, { count, send, label }: FanOutRequest<T>): Promise<T[]> {
  if (count === 1) return [await send(0, options ?? {})];
  const siblings = new AbortController();
  const signal = options?.signal ? AbortSignal.any([options.signal, siblings.signal]) : siblings.signal;
  // Each of the requests (queued for admission or in flight) listens to it.
  setMaxListeners(0, signal);
  const perRequest: CallOptions = { ...options, signal };
  const results: T[] = new Array<T>(count);
  let first: { error: unknown } | undefined;
  const onFailure = (index: number, error: unknown): void => {
    if (first !== undefined) return;
    // Provider failures name their texts; the caller's abort and the closed client pass as they are.
    const isProviderFailure = error instanceof DataDesignerError && !(error instanceof ConfigError);
    first = { error: isProviderFailure ? withTextLabel(error, label(index)) : error };
    siblings.abort(new SiblingFailed());
  };
  // Started in input order: admission is FIFO, so they are admitted in input order too.
  const pending = Array.from({ length: count }, (_, index) =>
    send(index, perRequest).then(
      (result) => {
        results[index] = result;
      },
      (error: unknown) => onFailure(index, error),
    ),
  );
  // No request of this call may still be queued or on the wire once the call has settled.
  await Promise.all(pending);
  if (first !== undefined) throw first.error;
  return results;
}
