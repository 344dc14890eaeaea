// What the phase-4 rehearsal changes in its copy of the repo (MIGRATION.md, phase 4): the folders
// it deletes, the one engine-list line it narrows, the legacy branch of the engine loader it
// removes, and the marker by which a suite that only compares the two engines says it retires
// with legacy. Pure text edits, so a test can check each one without copying anything.

/** Deleted from the copy, relative to the repo root. */
export const DELETED_PATHS: readonly string[] = ['src/models-legacy', 'test/legacy'];

/** The one list of engines every parametrised suite and harness CLI reads. */
export const ENGINES_FILE = 'src/testing/engines.ts';
export const ENGINES_LINE = /^export const ENGINES: readonly EngineName\[\] = \[[^\]\n]*\];$/m;
export const NARROWED_ENGINES_LINE = "export const ENGINES: readonly EngineName[] = ['v2'];";

/** The engine loader and the line of it that reaches legacy. */
export const LOADER_FILE = 'src/engine.ts';
export const LOADER_LINE =
  /^(\s*)const module = engine === 'legacy' \? await import\('\.\/models-legacy\/index\.ts'\) : await import\('\.\/models-v2\/index\.ts'\);$/m;

/** Lists suites by path; its entries under a deleted folder go with the folder. */
export const SUITE_LIST_FILE = 'test/shared-reference.ts';
const DELETED_SUITE_ENTRY = /^\s*'test\/legacy\/[^']*',\n/gm;

/**
 * A suite whose whole point is comparing legacy with v2 (parity, compare, jitter parity) carries
 * this marker in a comment; the rehearsal deletes it from the copy, as phase 4 retires it.
 */
export const RETIRE_MARKER = '@retire-with-legacy';

/** A hard-coded two-engine list outside ENGINES_FILE: the suite will not narrow with the rest. */
export const HARD_CODED_ENGINE_LIST = /\[\s*(['"])legacy\1\s*,\s*(['"])v2\2\s*\]|\[\s*(['"])v2\3\s*,\s*(['"])legacy\4\s*\]/;

/** On a line that pairs the engines on purpose (compare's two columns), this silences the warning. */
export const BOTH_ENGINES_MARKER = '@both-engines';

/** A planned text edit could not be made: the source no longer looks as the rehearsal expects. */
export class RehearsalEditError extends Error {
  override readonly name = 'RehearsalEditError';
}

export function narrowEngines(text: string): string {
  if (!ENGINES_LINE.test(text)) {
    throw new RehearsalEditError(
      `${ENGINES_FILE}: no line matching ${ENGINES_LINE} to narrow to ['v2'] (keep the engine list on that one line)`,
    );
  }
  return text.replace(ENGINES_LINE, NARROWED_ENGINES_LINE);
}

export function dropLegacyLoader(text: string): string {
  const match = LOADER_LINE.exec(text);
  if (!match) {
    throw new RehearsalEditError(
      `${LOADER_FILE}: the loader line that imports ./models-legacy/index.ts is not where the rehearsal expects it (${LOADER_LINE})`,
    );
  }
  const indent = match[1];
  const replacement = [
    `${indent}if (engine === 'legacy') {`,
    `${indent}  throw new ConfigError('The legacy engine has been removed (MIGRATION.md, phase 4)', {`,
    `${indent}    solution: \`Set \${ENGINE_ENV_VAR}=1 (v2 for every provider).\`,`,
    `${indent}  });`,
    `${indent}}`,
    `${indent}const module = await import('./models-v2/index.ts');`,
  ].join('\n');
  return text.replace(LOADER_LINE, replacement);
}

export function dropDeletedSuiteEntries(text: string): string {
  return text.replace(DELETED_SUITE_ENTRY, '');
}

export function marksRetirement(text: string): boolean {
  return text.includes(RETIRE_MARKER);
}

/** Line numbers (1-based) of hard-coded two-engine lists (HARD_CODED_ENGINE_LIST). */
export function hardCodedEngineLists(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (HARD_CODED_ENGINE_LIST.test(line) && !line.includes(BOTH_ENGINES_MARKER) ? [i + 1] : []));
}
