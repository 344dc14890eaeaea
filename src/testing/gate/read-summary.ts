// Reads a run summary (`dd-models … --summary-json`, schema dd-run-summary/1) for the gate: the
// fields it judges are checked for type, so a wrong or truncated file is a usage error naming the
// file and the field, never a NaN in the verdict. Unknown keys are ignored (future sections).
import { FILE_LIMITS, type FileReadError, readBoundedTextFile } from '../../config/read-bounded-file.ts';
import { RUN_SUMMARY_SCHEMA, type RunSummaryEntry } from '../../observability/run-summary.ts';
import { UsageError } from '../compare/cli-options.ts';
import { escapeTerminalText } from '../terminal-text.ts';

/** The part of a run-summary entry the gate reads (the full type is RunSummary, src/observability). */
export interface SummaryEntry {
  alias: string;
  engine: string;
  providerType?: string;
  providerName?: string;
  model?: string;
  calls: number;
  successes: number;
  failures: Record<string, number>;
  attempts: number;
  retries: number;
  rateLimited: number;
  tokens: { input: number; output: number; reasoning: number };
  latencyMs: { p50: number; p95: number; p99: number };
  wallMs: number;
}

// The registry's entries carry every field the gate reads (a compile error here if they drift).
const registryEntriesAreReadable: RunSummaryEntry extends SummaryEntry ? true : never = true;
void registryEntriesAreReadable;

export interface LoadedSummary {
  file: string;
  startedAt?: string;
  endedAt?: string;
  wallMs?: number;
  entries: SummaryEntry[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new Error(`${where} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  return value;
}

/** A count of calls, attempts or tokens: a whole number the gate can add exactly. */
function whole(value: unknown, where: string): number {
  const number = count(value, where);
  if (!Number.isSafeInteger(number)) {
    throw new Error(`${where} must be a whole number ≤ ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(value)}`);
  }
  return number;
}

/**
 * The entry's own arithmetic, checked before anything is judged (issue 25): every call is a
 * success or a failure by class (a cancel is the failure class `Cancelled`), retries and 429s are
 * attempts, and latency percentiles rise. A summary that breaks one cannot be judged: refused.
 */
function checkArithmetic(entry: SummaryEntry, where: string): void {
  const failed = Object.values(entry.failures).reduce((sum, n) => sum + n, 0);
  if (!Number.isSafeInteger(failed)) throw new Error(`${where}.failures add up past ${Number.MAX_SAFE_INTEGER}: cannot be counted exactly`);
  if (entry.successes + failed !== entry.calls) {
    throw new Error(
      `${where} (alias "${escapeTerminalText(entry.alias)}") does not add up: ` +
        `successes ${entry.successes} + failures ${failed} ≠ calls ${entry.calls}` +
        ' — a summary whose calls are not all accounted for cannot be judged (write it with dd-models … --summary-json)',
    );
  }
  if (entry.retries > entry.attempts) throw new Error(`${where}.retries (${entry.retries}) exceeds attempts (${entry.attempts})`);
  if (entry.rateLimited > entry.attempts) {
    throw new Error(`${where}.rateLimited (${entry.rateLimited}) exceeds attempts (${entry.attempts})`);
  }
  const { p50, p95, p99 } = entry.latencyMs;
  if (!(p50 <= p95 && p95 <= p99)) throw new Error(`${where}.latencyMs must rise from p50 to p99, got p50 ${p50}, p95 ${p95}, p99 ${p99}`);
}

function entryOf(raw: unknown, where: string): SummaryEntry {
  if (!isObject(raw)) throw new Error(`${where} must be an object`);
  if (typeof raw.alias !== 'string' || raw.alias === '') throw new Error(`${where}.alias must be a non-empty string`);
  if (typeof raw.engine !== 'string') throw new Error(`${where}.engine must be a string`);
  const tokens = isObject(raw.tokens) ? raw.tokens : undefined;
  const latency = isObject(raw.latencyMs) ? raw.latencyMs : undefined;
  if (!tokens) throw new Error(`${where}.tokens must be an object`);
  if (!latency) throw new Error(`${where}.latencyMs must be an object`);
  if (!isObject(raw.failures)) throw new Error(`${where}.failures must be an object of counts by error class`);
  // No prototype: a class named `__proto__` (or `constructor`) is a key like any other, never dropped.
  const failures: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, value] of Object.entries(raw.failures)) {
    failures[name] = whole(value, `${where}.failures["${escapeTerminalText(name)}"]`);
  }
  const entry: SummaryEntry = {
    alias: raw.alias,
    engine: raw.engine,
    calls: whole(raw.calls, `${where}.calls`),
    successes: whole(raw.successes, `${where}.successes`),
    failures,
    attempts: whole(raw.attempts, `${where}.attempts`),
    retries: whole(raw.retries, `${where}.retries`),
    rateLimited: whole(raw.rateLimited, `${where}.rateLimited`),
    tokens: {
      input: whole(tokens.input, `${where}.tokens.input`),
      output: whole(tokens.output, `${where}.tokens.output`),
      reasoning: whole(tokens.reasoning ?? 0, `${where}.tokens.reasoning`),
    },
    latencyMs: {
      p50: count(latency.p50, `${where}.latencyMs.p50`),
      p95: count(latency.p95, `${where}.latencyMs.p95`),
      p99: count(latency.p99, `${where}.latencyMs.p99`),
    },
    wallMs: count(raw.wallMs ?? 0, `${where}.wallMs`),
  };
  for (const key of ['providerType', 'providerName', 'model'] as const) if (typeof raw[key] === 'string') entry[key] = raw[key];
  if (entry.successes > entry.calls) throw new Error(`${where}.successes (${entry.successes}) exceeds calls (${entry.calls})`);
  checkArithmetic(entry, where);
  return entry;
}

export function parseSummary(text: string, file: string): LoadedSummary {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  try {
    if (!isObject(raw)) throw new Error('must be a JSON object');
    if (raw.schema !== RUN_SUMMARY_SCHEMA)
      throw new Error(
        `schema must be "${RUN_SUMMARY_SCHEMA}", got ${JSON.stringify(raw.schema)} (write it with dd-models … --summary-json)`,
      );
    if (!Array.isArray(raw.entries)) throw new Error('entries must be an array');
    const entries = raw.entries.map((entry, i) => entryOf(entry, `entries[${i}]`));
    return {
      file,
      entries,
      ...(typeof raw.startedAt === 'string' ? { startedAt: raw.startedAt } : {}),
      ...(typeof raw.endedAt === 'string' ? { endedAt: raw.endedAt } : {}),
      ...(typeof raw.wallMs === 'number' ? { wallMs: raw.wallMs } : {}),
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
}

export async function readSummary(file: string, flag: string): Promise<LoadedSummary> {
  let text: string;
  try {
    // A regular file of at most FILE_LIMITS.summary.maxBytes: a FIFO or a device is refused, never read.
    text = await readBoundedTextFile(file, FILE_LIMITS.summary);
  } catch (error) {
    const refusal = error as FileReadError;
    const system = !refusal.refused;
    throw new UsageError(`${flag} ${file}: ${system ? `cannot read it (${refusal.code})` : refusal.problem}`);
  }
  return parseSummary(text, file);
}
