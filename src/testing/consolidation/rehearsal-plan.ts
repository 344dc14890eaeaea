// What the phase-4 rehearsal changes in its copy of the repo (MIGRATION.md, phase 4): the folders
// it deletes (the legacy engine and its registration, src/engines/legacy.ts), the one engine-list
// line it narrows, the deleted registration's entry in src/engine.ts (found through the import
// graph, not a pattern of the loader's code), and the marker by which a suite that only compares
// the two engines says it retires with legacy. Pure text edits, so a test can check each one
// without copying anything.
import { importsOf } from '../architecture/import-graph.ts';

/** Deleted from the copy, relative to the repo root. */
export const DELETED_PATHS: readonly string[] = ['src/models-legacy', 'src/engines/legacy.ts', 'test/legacy'];

/** The one list of engines every parametrised suite and harness CLI reads. */
export const ENGINES_FILE = 'src/testing/engines.ts';
export const ENGINES_LINE = /^export const ENGINES: readonly EngineName\[\] = \[[^\]\n]*\];$/m;
export const NARROWED_ENGINES_LINE = "export const ENGINES: readonly EngineName[] = ['v2'];";

/** The engine switch, which lists the registered engines, and legacy's registration module. */
export const LOADER_FILE = 'src/engine.ts';
export const LEGACY_REGISTRATION = 'src/engines/legacy.ts';

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

/**
 * Removes a deleted registration module from the engine switch: its import (located through the
 * import graph) and each name it bound from the REGISTERED list. The switch then refuses the
 * engine by itself (loadClientFactory: "not part of this build").
 */
export function dropRegistration(text: string, registration = LEGACY_REGISTRATION): string {
  const imports = importsOf(LOADER_FILE, text).filter((edge) => edge.to === registration);
  if (imports.length === 0) {
    throw new RehearsalEditError(`${LOADER_FILE}: no import of ${registration} to remove (is the engine registered another way?)`);
  }
  const lines = text.split('\n');
  const bound: string[] = [];
  for (const edge of [...imports].reverse()) {
    const statement = lines[edge.line - 1];
    const names =
      statement
        .match(/\{([^}]*)\}/)?.[1]
        .split(',')
        .map(
          (name) =>
            name
              .trim()
              .split(/\s+as\s+/)
              .pop()!,
        ) ?? [];
    bound.push(...names.filter(Boolean));
    lines.splice(edge.line - 1, 1);
  }
  let edited = lines.join('\n');
  for (const name of bound) {
    const entry = new RegExp(`(const REGISTERED[^=]*= \\[[^\\]]*?)\\b${name}\\b,?\\s*`);
    if (!entry.test(edited)) throw new RehearsalEditError(`${LOADER_FILE}: ${name} (from ${registration}) is not in the REGISTERED list`);
    edited = edited.replace(entry, '$1').replace(/(const REGISTERED[^=]*= \[[^\]]*?),\s*\]/, '$1]');
  }
  return edited;
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
