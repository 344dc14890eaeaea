// npm run deps-report and the dependency rules it enforces: every declared production dependency
// is imported somewhere, engines.node is at least the strictest floor in the production closure,
// and the closure read from the lock is exactly what npm marks as non-dev.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDepsReport } from '../../src/testing/supply-chain/deps-report.ts';
import { importedPackages } from '../../src/testing/supply-chain/import-specifiers.ts';
import { REPO_ROOT, runScript } from '../harness/support/run-script.ts';

describe('this repository', () => {
  it('declares no production dependency that nothing imports, and no devDependency the library imports', async () => {
    const report = await buildDepsReport(REPO_ROOT);
    expect(report.unusedProduction).toEqual([]);
    expect(report.devImportedByLibrary).toEqual([]);
  });

  it('engines.node is at least what every production dependency (transitively) requires', async () => {
    const report = await buildDepsReport(REPO_ROOT);
    expect(report.closure.strictestNode).toBeDefined();
    expect(report.enginesNode).toEqual({ declared: `>=${report.closure.strictestNode!.floor}`, consistent: true });
  });

  it('the closure walked from package.json is exactly the set npm marks as non-dev in the lock', async () => {
    const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean; link?: boolean }>;
    };
    const npmProduction = Object.entries(lock.packages).filter(([key, e]) => key !== '' && !e.dev && !e.devOptional && !e.link).length;
    const report = await buildDepsReport(REPO_ROOT);
    expect(report.closure.count).toBe(npmProduction);
    expect(report.closure.licences.reduce((sum, l) => sum + l.count, 0)).toBe(npmProduction);
  });
});

describe('import scanning', () => {
  it('finds static, re-exported, side-effect and dynamic imports; type-only ones are not run-time', () => {
    const found = importedPackages(`
      import { a } from '@scope/pkg/sub';
      export * from "re-exported";
      import 'side-effect';
      const m = await import('lazy-sdk');
      import type { T } from 'types-only';
      import { readFile } from 'node:fs/promises';
      import { join } from 'path';
      import local from './local.ts';
      // import commented from 'commented-out';
    `);
    expect([...found.runtime].sort()).toEqual(['@scope/pkg', 'lazy-sdk', 're-exported', 'side-effect']);
    expect([...found.typeOnly]).toEqual(['types-only']);
  });
});

// A tiny package with a known shape: `shared` is used by library and legacy, `legacy-only` by
// legacy alone (pulling `leaf`, which `shared` does not need), `declared-unused` by nobody.
let dir: string;
async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
}
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-deps-report-'));
  const dependencies = { shared: '^1.0.0', 'legacy-only': '^2.0.0', 'declared-unused': '^1.0.0' };
  await put(
    'package.json',
    JSON.stringify({ name: 'planted', engines: { node: '>=20' }, dependencies, devDependencies: { devtool: '^1.0.0' } }),
  );
  await put(
    'package-lock.json',
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'planted', dependencies, devDependencies: { devtool: '^1.0.0' } },
        'node_modules/shared': { version: '1.0.0', license: 'MIT', engines: { node: '>=18' } },
        'node_modules/legacy-only': {
          version: '2.0.0',
          license: 'Apache-2.0',
          dependencies: { leaf: '^3.0.0' },
          engines: { node: '^20.19.0 || >=22.12' },
        },
        'node_modules/leaf': { version: '3.0.0', license: 'ISC', hasInstallScript: true },
        'node_modules/declared-unused': { version: '1.0.0', license: 'MIT', engines: { node: '>=22.19.0' } },
        'node_modules/devtool': { version: '1.0.0', license: 'MIT', dev: true, engines: { node: '>=99' } },
      },
    }),
  );
  await put('src/index.ts', "import { s } from 'shared';\nexport const x = s;\n");
  await put(
    'src/models-legacy/client.ts',
    "import { s } from 'shared';\nimport { l } from 'legacy-only/deep';\nexport const y = [s, l];\n",
  );
  await put('src/testing/tool.ts', "import { d } from 'devtool';\nexport const z = d;\n");
  await put('scripts/cli.ts', "import '../src/index.ts';\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deps-report on a planted package', () => {
  it('reports the closure, install scripts, licences, unused and legacy-only dependencies', async () => {
    const report = await buildDepsReport(dir);
    expect(report.closure.count).toBe(4);
    expect(report.closure.installScripts).toEqual(['leaf@3.0.0']);
    expect(report.closure.licences).toEqual([
      { licence: 'MIT', count: 2 },
      { licence: 'Apache-2.0', count: 1 },
      { licence: 'ISC', count: 1 },
    ]);
    expect(report.unusedProduction).toEqual(['declared-unused']);
    expect(report.closure.strictestNode).toEqual({ floor: '22.19.0', packages: ['declared-unused'] });
    expect(report.enginesNode).toEqual({ declared: '>=20', consistent: false });
    expect(report.legacyRemoval).toEqual({
      dependencies: ['legacy-only'],
      stillUsedByHarness: [],
      removedPackages: ['leaf@3.0.0', 'legacy-only@2.0.0'],
      closureAfter: 2,
    });
  });

  it('the CLI prints it, writes JSON and exits 1 naming each problem', async () => {
    const json = join(dir, 'out', 'report.json');
    const result = await runScript('deps-report', ['--root', dir, '--json', json]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('planted: production closure 4 packages');
    expect(result.stdout).toContain('dependency declared-unused is declared but nothing in src/ or scripts/ imports it');
    expect(result.stdout).toContain('raise it to ">=22.19.0"');
    expect(result.stdout).toContain('deleting src/models-legacy/ would drop legacy-only and 2 closure packages (4 → 2)');
    const written = JSON.parse(await readFile(json, 'utf8')) as { problems: string[] };
    expect(written.problems).toHaveLength(2);
  });

  it('exits 0 on this repository', async () => {
    const result = await runScript('deps-report', []);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('no problems found');
    expect(result.code).toBe(0);
  });

  it('a folder without a lockfile is a usage error (exit 2, one line)', async () => {
    const result = await runScript('deps-report', ['--root', join(dir, 'src')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^deps-report: --root .*package\.json is missing/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
