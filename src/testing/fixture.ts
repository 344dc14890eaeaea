// Loading SPEC §10 fixtures from disk for the harness. The shape itself (schemas and the pure
// helpers) lives in src/parity/fixture-shape.ts, shared with shadow mode, and is re-exported here.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
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
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FixtureError(label, undefined, `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(label, undefined, `not valid JSON (${(error as Error).message})`);
  }
  return parseFixture(raw, label);
}

async function listJsonFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new FixtureError(path, undefined, 'no such file or directory');
  if (info.isFile()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listJsonFiles(child)));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(child);
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

