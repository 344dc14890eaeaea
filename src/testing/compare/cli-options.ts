// Plumbing shared by the harness CLIs (compare, record, fake-provider): usage errors, number
// options and the exit-code contract — 2 with one clear line for anything the user must fix.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { redactSecrets } from '../../core/secrets.ts';
import { FixtureError, FixtureErrors } from '../fixture.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { fileOutputProblem } from '../output-paths.ts';

/** Bad flags or inputs: reported as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function numberOption(
  value: string | undefined,
  flag: string,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
    const range = [min > Number.NEGATIVE_INFINITY ? `≥ ${min}` : '', max < Number.POSITIVE_INFINITY ? `≤ ${max}` : '']
      .filter(Boolean)
      .join(' and ');
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got "${value}"`);
  }
  return parsed;
}

/** Errors the user fixes (flags, config, fixtures): one line on stderr and exit code 2. */
export function isUserError(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  if (error instanceof ConfigError || error instanceof FixtureError) return true;
  // node:util parseArgs reports unknown or malformed flags with these codes.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Multi-line messages are "Heading:\n  - issue\n  - issue": keep them readable on one line.
  const joined = message
    .replace(/:\s*\n\s*-\s+/, ': ')
    .replace(/\s*\n\s*-\s+/g, '; ')
    .replace(/\s*\n\s*/g, '; ');
  // A path or a name read from a file may hold control characters: shown as escapes, never obeyed.
  return escapeTerminalText(redactSecrets(joined.trim()));
}

/**
 * Checks up front that a report can be written to `path`, so a run that takes minutes (live
 * compare, a large corpus) never ends in a write error after all its work is done.
 */
export async function ensureWritable(path: string, flag: string): Promise<void> {
  const problem = await fileOutputProblem(path);
  if (problem) throw new UsageError(`${flag} ${path}: cannot write the report there (${problem})`);
}

/** Writes a report file; a failure is the user's path to fix (exit 2), not a crash. */
export async function writeReport(path: string, flag: string, content: string): Promise<void> {
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
    await writeFile(path, content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag} ${path}: cannot write the report there (${code})`);
  }
}

/**
 * Runs a CLI body and turns its outcome into the exit code: its own number when it returns one,
 * 2 for user errors (one line), 1 with the message for anything unexpected.
 */
export async function runCli(name: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof FixtureErrors) {
      // One line per malformed file, each naming the file and the field.
      for (const each of error.errors) process.stderr.write(`${name}: ${oneLine(each)}\n`);
      process.exitCode = 2;
      return;
    }
    if (isUserError(error)) {
      process.stderr.write(`${name}: ${oneLine(error)}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `${name}: unexpected failure: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    process.exitCode = 1;
  }
}
