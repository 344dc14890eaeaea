// What an error keeps of the exception underneath it. SDK and transport errors carry request
// objects, headers, raw bodies and `$response`: any of them may hold a key the provider echoed or
// the credential headers we sent. The stand-in keeps what helps debugging — the class name, the
// message and stack (scrubbed), status and error codes, the AWS request id, and the same for its
// own causes — and drops everything else, so `util.inspect(err, { depth: Infinity })` and
// `console.error(err)` print nothing a provider could have planted.
import { redactSecrets } from './secrets.ts';

/** How many causes below the first are kept; deeper ones are cut with a marker. */
const MAX_CAUSE_DEPTH = 8;
/** How many members of an AggregateError's `errors` are kept. */
const MAX_AGGREGATED = 8;

// Built-in classes are re-created as themselves, so `cause instanceof TypeError` still holds.
const BUILT_IN_ERRORS: readonly ErrorConstructor[] = [TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError];

export interface ScrubbedCauseFields {
  code?: string | number;
  status?: number;
  errno?: number;
  syscall?: string;
  requestId?: string;
}

/** An Error standing in for an exception whose own fields were dropped. */
export class ScrubbedCause extends Error {
  declare code?: string | number;
  declare status?: number;
  declare errno?: number;
  declare syscall?: string;
  declare requestId?: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function safeFields(source: Record<string, unknown>): ScrubbedCauseFields {
  const fields: ScrubbedCauseFields = {};
  if (typeof source.code === 'string' || typeof source.code === 'number') {
    fields.code = typeof source.code === 'string' ? redactSecrets(source.code) : source.code;
  }
  const metadata = record(source.$metadata);
  const status = [source.status, source.statusCode, metadata?.httpStatusCode].find((v) => typeof v === 'number');
  if (typeof status === 'number') fields.status = status;
  if (typeof source.errno === 'number') fields.errno = source.errno;
  if (typeof source.syscall === 'string') fields.syscall = redactSecrets(source.syscall);
  const requestId = metadata?.requestId ?? source.requestID ?? source.request_id;
  if (typeof requestId === 'string') fields.requestId = redactSecrets(requestId);
  return fields;
}

/** A thrown non-Error: primitives as text; an object only by its kind and keys (its values may be headers, bodies, secrets). */
function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value).slice(0, 500);
  const keys = Object.keys(value).slice(0, 20);
  return `${Object.prototype.toString.call(value)} with keys ${keys.join(', ') || '(none)'}`;
}

function scrub(value: unknown, depth: number, seen: Set<unknown>): Error {
  if (seen.has(value)) return new ScrubbedCause('[circular cause]');
  seen.add(value);
  const source = record(value);
  const isError = value instanceof Error;
  const name = isError ? value.name : typeof value;
  const message = redactSecrets(isError ? value.message : describe(value));
  const builtIn = isError ? BUILT_IN_ERRORS.find((C) => Object.getPrototypeOf(value) === C.prototype) : undefined;
  const standIn: Error = builtIn ? new builtIn(message) : new ScrubbedCause(message);
  if (!builtIn) Object.defineProperty(standIn, 'name', { value: name, enumerable: false, configurable: true, writable: true });
  if (isError && typeof value.stack === 'string') {
    standIn.stack = redactSecrets(value.stack);
  } else {
    standIn.stack = `${name}: ${message}`;
  }
  if (source) Object.assign(standIn, safeFields(source));
  if (source && Array.isArray(source.errors)) {
    (standIn as Error & { errors?: Error[] }).errors = source.errors
      .slice(0, MAX_AGGREGATED)
      .map((member) => scrub(member, depth + 1, seen));
  }
  const inner = source?.cause;
  if (inner !== undefined) {
    standIn.cause = depth >= MAX_CAUSE_DEPTH ? new ScrubbedCause('[deeper causes omitted]') : scrub(inner, depth + 1, seen);
  }
  return standIn;
}

/**
 * The stand-in to keep as an error's `cause`. `undefined` stays `undefined`; anything else —
 * an Error of any class, or a thrown non-Error — becomes a fresh Error holding only scrubbed text.
 */
export function scrubCause(cause: unknown): Error | undefined {
  if (cause === undefined) return undefined;
  return scrub(cause, 0, new Set());
}
