// Loading docs/contract.md "Fixtures" fixtures from disk for the harness. The shape itself (schemas and the pure
// helpers) lives in src/parity/fixture-shape.ts, shared with shadow mode, and is re-exported here.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { FILE_LIMITS, type FileReadError, readBoundedTextFile } from '../config/read-bounded-file.ts';
import { fixtureSchema, type Fixture } from '../parity/fixture-shape.ts';

export * from '../parity/fixture-shape.ts';

export interface LoadedFixture {
  file: string;
  fixture: Fixture;
}

export class FixtureError extends Error {
  readonly file: string;
  readonly field?: string;
  constructor(file: string, field: string | undefined, problem: string) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'FixtureError';
    this.file = file;
    this.field = field;
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)';
}

export function parseFixture(raw: unknown, file: string): Fixture {
  const result = fixtureSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FixtureError(file, fieldPath(issue.path), issue.message);
  }
  return result.data;
}

/** `label` is how the file is named in errors (usually relative to the working directory). */
export async function loadFixtureFile(file: string, label = file): Promise<Fixture> {
  let text: string;
  try {
    // A regular file of at most FILE_LIMITS.fixture.maxBytes: a FIFO or a device is refused, never read.
    text = await readBoundedTextFile(file, FILE_LIMITS.fixture);
  } catch (error) {
    const refusal = error as FileReadError;
    const system = !refusal.refused;
    throw new FixtureError(label, undefined, system ? `cannot read file (${refusal.code ?? 'error'})` : refusal.problem);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(label, undefined, `not valid JSON (${(error as Error).message})`);
  }
  return parseFixture(raw, label);
}

const DANGLING = 'a symbolic link to nothing (its target does not exist)';

/**
 * The fixture files under a path given on the command line, sorted by name in each directory.
 * A path that is not a directory is returned as it is, whatever it is: the reader refuses a FIFO
 * or a device with a FixtureError (never a stack trace, never a blocked read). In a directory,
 * every `*.json` entry that is not a directory is returned (a FIFO named `x.json` is refused by
 * the reader, not skipped). Symbolic links are followed (docs/harness.md, "Fixture files"): a
 * link to a file is read as that file, a link to a directory is walked; a dangling link or a link
 * back to a directory being walked is a FixtureError naming the link (whatever its name).
 */
async function listJsonFiles(path: string, walking: ReadonlySet<string> = new Set()): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    const link = await lstat(path).catch(() => undefined);
    throw new FixtureError(path, undefined, link?.isSymbolicLink() ? DANGLING : 'no such file or directory');
  }
  if (!info.isDirectory()) return [path];
  const real = await realpath(path);
  if (walking.has(real)) throw new FixtureError(path, undefined, 'a symbolic link back to a directory it is inside (a loop)');
  const inside = new Set([...walking, real]);
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, entry.name);
    const target = entry.isSymbolicLink() ? await stat(child).catch(() => undefined) : undefined;
    if (entry.isSymbolicLink() && !target) throw new FixtureError(child, undefined, DANGLING);
    if (entry.isDirectory() || target?.isDirectory()) out.push(...(await listJsonFiles(child, inside)));
    else if (entry.name.endsWith('.json')) out.push(child);
  }
  return out;
}

/** Several malformed fixtures at once: a recorded corpus is fixed in one pass, not file by file. */
export class FixtureErrors extends FixtureError {
  readonly errors: readonly FixtureError[];
  constructor(errors: FixtureError[]) {
    super(errors[0].file, errors[0].field, `and ${errors.length - 1} more malformed fixture(s)`);
    this.message = errors.map((e) => e.message).join('\n');
    this.name = 'FixtureErrors';
    this.errors = errors;
  }
}

/**
 * Loads every `.json` under the given files/directories, sorted. Every file is checked before
 * anything is thrown: one bad file throws its `FixtureError`, several throw `FixtureErrors`.
 */
export async function loadFixtures(paths: string[], cwd = process.cwd()): Promise<LoadedFixture[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await listJsonFiles(resolve(cwd, path))));
  const loaded: LoadedFixture[] = [];
  const errors: FixtureError[] = [];
  for (const file of files) {
    const shown = relative(cwd, file) || file;
    try {
      loaded.push({ file: shown, fixture: await loadFixtureFile(file, shown) });
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new FixtureErrors(errors);
  return loaded;
}
