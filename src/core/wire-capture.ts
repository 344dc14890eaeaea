// The wire tap's switch (shadow mode, docs/shadow-mode.md). The registry runs a sampled call
// inside `runWithCapture`; each engine's transport, when a capture is current, appends every
// attempt it makes (request, then response or transport error). With no capture current the
// cost of a tap is this one AsyncLocalStorage lookup.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CapturedRequest {
  method: string;
  /** Absolute URL as sent. */
  url: string;
  /** Lower-case names; may hold credentials until redacted (never kept past the call). */
  headers: Record<string, string>;
  bodyText: string;
}

export interface CapturedResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
}

export interface CapturedAttempt {
  request: CapturedRequest;
  response?: CapturedResponse;
  /** No complete response arrived (reset, timeout, abort): the error's class name only. */
  transportError?: string;
}

export interface WireCapture {
  readonly attempts: CapturedAttempt[];
}

const storage = new AsyncLocalStorage<WireCapture>();

export function runWithCapture<T>(capture: WireCapture, fn: () => T): T {
  return storage.run(capture, fn);
}

/** Runs `fn` with no capture current (work started from a captured call that is not part of it). */
export function runOutsideCapture<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function currentCapture(): WireCapture | undefined {
  return storage.getStore();
}

/** Starts an attempt's record; the transport fills in `response` or `transportError`. */
export function beginAttempt(capture: WireCapture, request: CapturedRequest): CapturedAttempt {
  const attempt: CapturedAttempt = { request };
  capture.attempts.push(attempt);
  return attempt;
}

export function headersRecord(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}
