// Applies the rehearsal plan to a copy of the repo: deletes legacy and its tests, narrows the
// engine list, removes the loader's legacy branch, retires the suites marked as comparing the two
// engines, and lists the files that still hard-code both engines (they will not narrow).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  DELETED_PATHS,
  dropDeletedSuiteEntries,
  dropRegistration,
  ENGINES_FILE,
  hardCodedEngineLists,
  LOADER_FILE,
  marksRetirement,
  narrowEngines,
  SUITE_LIST_FILE,
} from './rehearsal-plan.ts';

export interface AppliedRehearsal {
  deleted: string[];
  retired: string[];
  /** `file:line` of engine lists that do not read ENGINES_FILE. */
  hardCoded: string[];
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.(ts|mts|js)$/.test(entry.name)) out.push(path);
  }
  return out;
}

async function rewrite(root: string, file: string, edit: (text: string) => string): Promise<void> {
  const path = join(root, file);
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

export async function applyRehearsal(root: string): Promise<AppliedRehearsal> {
  for (const path of DELETED_PATHS) await rm(join(root, path), { recursive: true, force: true });
  await rewrite(root, ENGINES_FILE, narrowEngines);
  await rewrite(root, LOADER_FILE, (text) => dropRegistration(text));
  await rewrite(root, SUITE_LIST_FILE, dropDeletedSuiteEntries);
  const retired: string[] = [];
  const hardCoded: string[] = [];
  for (const dir of ['src', 'scripts', 'test']) {
    for (const path of await sourceFiles(join(root, dir))) {
      const file = relative(root, path);
      const text = await readFile(path, 'utf8');
      if (file.startsWith('test/') && file.endsWith('.test.ts') && marksRetirement(text)) {
        await rm(path);
        retired.push(file);
        continue;
      }
      if (file === ENGINES_FILE) continue;
      for (const line of hardCodedEngineLists(text)) hardCoded.push(`${file}:${line}`);
    }
  }
  return { deleted: [...DELETED_PATHS], retired: retired.sort(), hardCoded: hardCoded.sort() };
}
