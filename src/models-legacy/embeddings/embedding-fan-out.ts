// The sub-requests of one embedding call (Titan: one per text; Cohere: one per 96 texts) run side
// by side, each with its own retries and its own place in the alias's limiter queue; the results
// come back in input order. The first sub-request to fail for good fails the whole call and stops
// the rest (docs/engine-rules.md, "Embedding fan-out").
import { setMaxListeners } from 'node:events';
import { ConfigError, DataDesignerError } from '../../core/errors.ts';

/** The abort reason the other sub-requests get once one has failed; never seen by a caller. */
export class FanOutStopped extends Error {
  constructor() {
    super('another sub-request of this embedding call failed');
    this.name = 'FanOutStopped';
  }
}

/**
 * The sub-request's own error, its cause sentence and message extended with which texts it
 * carried (`text 437 of 1000`): class, status and retry hint stay as the provider set them.
 */
export function nameFailedSubRequest(error: DataDesignerError, label: string): DataDesignerError {
  const before = error.message;
  const causeText = /[.!?]$/.test(error.causeText)
    ? `${error.causeText.slice(0, -1)} (${label})${error.causeText.slice(-1)}`
    : `${error.causeText} (${label})`;
  const message = before.startsWith(error.causeText) ? `${causeText}${before.slice(error.causeText.length)}` : `${before} (${label})`;
  (error as { causeText: string }).causeText = causeText;
  error.message = message;
  if (typeof error.stack === 'string' && error.stack.startsWith(`${error.name}: ${before}`)) {
    error.stack = `${error.name}: ${message}${error.stack.slice(error.name.length + 2 + before.length)}`;
  }
  return error;
}

/**
 * Runs `send` for sub-requests 0..count-1 at once (the limiter decides how many are in flight)
 * and resolves with their results in index order. `label(i)` names sub-request i in an error.
 */
export async function fanOut<T>(
  count: number,
  callSignal: AbortSignal,
  send: (index: number, signal: AbortSignal) => Promise<T>,
  label: (index: number) => string,
): Promise<T[]> {
  // A single request is the call itself: nothing to name, nothing to stop.
  if (count === 1) return [await send(0, callSignal)];
  const stop = new AbortController();
  const signal = AbortSignal.any([callSignal, stop.signal]);
  // Every queued and in-flight sub-request listens to this one signal.
  setMaxListeners(0, signal);
  const results = new Array<T>(count);
  let failure: { error: unknown } | undefined;
  const settled: Promise<void>[] = [];
  // Started in input order, so the limiter's FIFO queue admits them in input order too.
  for (let index = 0; index < count; index++) {
    settled.push(
      send(index, signal).then(
        (value) => {
          results[index] = value;
        },
        (error: unknown) => {
          if (failure) return; // a sibling stopped by the first failure, or a later one
          // The caller's abort reason or close() passes as is; only provider failures name texts.
          const named =
            error instanceof DataDesignerError && !(error instanceof ConfigError) ? nameFailedSubRequest(error, label(index)) : error;
          failure = { error: named };
          stop.abort(new FanOutStopped());
        },
      ),
    );
  }
  // Settle every sub-request before answering: none may still be queued or sending afterwards.
  await Promise.all(settled);
  if (failure) throw failure.error;
  return results;
}
