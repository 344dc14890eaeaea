// Source files under a folder, for import scans (TypeScript and emitted JavaScript alike).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SOURCE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

export async function listSourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && SOURCE.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.map'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
