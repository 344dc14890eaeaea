// Copies a working tree for the rehearsal: everything but .git and node_modules (symlinked to the
// original's, so nothing is installed), placed beside a link to the original's ../shared so the
// corpus-backed suites find the wire corpus as they do in a normal clone.
import { cp, mkdtemp, realpath, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';

const SKIPPED_AT_ROOT = new Set(['.git', 'node_modules']);

export interface RepoCopy {
  /** The temporary directory holding `repo/` (and `shared`, when the original has one). */
  base: string;
  root: string;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

export async function copyRepo(source: string): Promise<RepoCopy> {
  const base = await mkdtemp(join(tmpdir(), 'dd-rehearse-'));
  const root = join(base, 'repo');
  await cp(source, root, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (path) => {
      const rel = relative(source, path);
      return !SKIPPED_AT_ROOT.has(rel.split(/[\\/]/)[0]) && basename(path) !== '.DS_Store';
    },
  });
  const modules = join(source, 'node_modules');
  if (await exists(modules)) await symlink(await realpath(modules), join(root, 'node_modules'), 'dir');
  const shared = resolve(source, '../shared');
  if (await exists(shared)) await symlink(await realpath(shared), join(base, 'shared'), 'dir');
  return { base, root };
}
