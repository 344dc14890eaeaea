// The published package (`files: ["dist"]`) must run with production dependencies alone: build it
// with the real build config into a temp folder and check every import of every emitted file. The
// build holds the rollout's commands (dist/testing/, reached through dd-models' import()), and the
// library never loads them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedPackages } from '../../src/testing/supply-chain/import-specifiers.ts';
import { listSourceFiles } from '../../src/testing/supply-chain/source-files.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { REPO_ROOT } from '../harness/support/run-script.ts';

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dd-dist-'));
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: REPO_ROOT });
}, 300_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('the built dist', () => {
  it('imports only production dependencies (no devDependency, nothing undeclared)', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const files = (await listSourceFiles(outDir)).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(50);
    const offending: string[] = [];
    for (const file of files) {
      for (const name of importedPackages(await readFile(file, 'utf8')).runtime) {
        if (!(name in pkg.dependencies)) offending.push(`${relative(outDir, file)} imports ${name}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('holds the public entry point, the engines (src/testing/engines.ts) and the rollout commands', async () => {
    const files = (await listSourceFiles(outDir)).map((f) => relative(outDir, f).split('\\').join('/'));
    expect(files).toContain('index.js');
    expect(files.some((f) => f.startsWith('models-legacy/'))).toBe(ENGINES.includes('legacy'));
    expect(files.some((f) => f.startsWith('models-v2/'))).toBe(true);
    expect(files).toContain('testing/rollout-commands.js');
    // Only what the rollout's commands need: no tests' helpers, no benchmarks, no architecture checks.
    expect(files.filter((f) => /^testing\/(architecture|soak|consolidation|supply-chain|redis)\//.test(f))).toEqual([]);
  });

  it('never reaches the harness from the library: no import (static or import()) of index.js or the shadow worker leads to testing/', async () => {
    const reached = new Set<string>();
    const queue = ['index.js', 'shadow/shadow-worker.js'].map((file) => join(outDir, file));
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      const text = await readFile(file, 'utf8');
      for (const found of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        queue.push(resolve(dirname(file), found[1]));
      }
    }
    const files = [...reached].map((file) => relative(outDir, file).split('\\').join('/'));
    expect(files).toContain('models-v2/index.js');
    expect(files.filter((file) => file.startsWith('testing/'))).toEqual([]);
    // And dd-models reaches it only through import(): its static imports stop short of testing/.
    const cli = await readFile(join(outDir, 'cli/dd-models.js'), 'utf8');
    expect(cli).toContain("import('../testing/rollout-commands.js')");
    expect([...cli.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g)].map((found) => found[1]).filter((s) => s.includes('testing/'))).toEqual([]);
  });
});
