// @retire-with-legacy: shadow mode (and its legacy tap) goes with legacy
// Shadow mode is production code: it must never load the harness (src/testing) or a dev-only
// package (msw), and the core switch the engines read must stay free of both as well.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PRODUCTION_FILES = async (): Promise<string[]> => {
  const files: string[] = [];
  for (const folder of ['src/shadow', 'src/parity']) {
    for (const name of await readdir(folder)) if (name.endsWith('.ts')) files.push(join(folder, name));
  }
  return [
    ...files,
    'src/core/wire-capture.ts',
    'src/models-legacy/transport/wire-tap.ts',
    'src/models-v2/transport/wire-tap-fetch.ts',
    'src/models-v2/transport/wire-tap-handler.ts',
  ];
};

describe('shadow mode boundary', () => {
  it('imports nothing from src/testing and no dev-only package', async () => {
    const files = await PRODUCTION_FILES();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const imports = [...text.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.filter((i) => i.includes('/testing/') || i === 'msw' || i.startsWith('msw/')),
        file,
      ).toEqual([]);
    }
  });

  it('is loaded lazily: the registry names the controller only in a dynamic import', async () => {
    const registry = await readFile('src/facade/model-registry.ts', 'utf8');
    expect(registry).toMatch(/import\('\.\.\/shadow\/shadow-controller\.ts'\)/);
    expect(registry).not.toMatch(/^import \{[^}]*\} from '\.\.\/shadow\/shadow-controller\.ts'/m);
  });
});
