// The published package (`files: ["dist"]`) must run with production dependencies alone: build it
// with the real build config into a temp folder and check every import of every emitted file.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

  it('holds the public entry point and the engines (src/testing/engines.ts), but not the test harness', async () => {
    const files = (await listSourceFiles(outDir)).map((f) => relative(outDir, f).split('\\').join('/'));
    expect(files).toContain('index.js');
    expect(files.some((f) => f.startsWith('models-legacy/'))).toBe(ENGINES.includes('legacy'));
    expect(files.some((f) => f.startsWith('models-v2/'))).toBe(true);
    expect(files.filter((f) => f.startsWith('testing/'))).toEqual([]);
  });
});
