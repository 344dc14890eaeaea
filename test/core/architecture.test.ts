import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { architectureBlock, BEGIN_MARKER, END_MARKER } from '../../src/testing/architecture/diagram.ts';
import { graphOfSources, importsOf, readImportGraph } from '../../src/testing/architecture/import-graph.ts';
import { circles, layeringRules } from '../../src/testing/architecture/layering.ts';

const run = promisify(execFile);
const root = process.cwd();

const failuresOf = (sources: Record<string, string>) =>
  Object.fromEntries(layeringRules(graphOfSources(new Map(Object.entries(sources)))).map((rule) => [rule.name, rule.failures]));
const failing = (sources: Record<string, string>) =>
  Object.entries(failuresOf(sources))
    .filter(([, failures]) => failures.length > 0)
    .map(([name]) => name);

// A minimal healthy house: each rule below is broken by adding one file or one import to it.
const HOUSE = {
  'src/core/types.ts': 'export type A = 1;\n',
  'src/config/schemas.ts': "import type { A } from '../core/types.ts';\nexport type B = A;\n",
  'src/models-v2/index.ts': "import OpenAI from 'openai';\nimport type { B } from '../config/schemas.ts';\nexport const v2 = OpenAI;\n",
  'src/models-legacy/index.ts': "import type { B } from '../config/schemas.ts';\nexport const legacy = 1;\n",
  'src/engines/legacy.ts': "export const legacyEngine = { load: () => import('../models-legacy/index.ts') };\n",
  'src/engines/v2.ts': "export const v2Engine = { load: () => import('../models-v2/index.ts') };\n",
  'src/engine.ts':
    "import { legacyEngine } from './engines/legacy.ts';\nimport { v2Engine } from './engines/v2.ts';\nexport const all = [legacyEngine, v2Engine];\n",
  'src/index.ts': "export { all } from './engine.ts';\n",
};

describe('layering rules (docs/architecture.md; src/testing/architecture/layering.ts)', () => {
  const graph = readImportGraph(root);

  it('every rule holds on this repository', () => {
    for (const rule of layeringRules(graph)) expect(rule.failures, rule.name).toEqual([]);
  });

  it('the healthy model house passes every rule', () => {
    expect(failing(HOUSE)).toEqual([]);
  });

  it('an upward arrow fails (type-only imports count), and so does a sideways one on the same floor', () => {
    const upward = failuresOf({ ...HOUSE, 'src/core/model-client.ts': "import type { B } from '../config/schemas.ts';\n" });
    expect(upward['imports point down: a room imports only rooms of lower floors (and itself)']).toEqual([
      'src/core/model-client.ts:1 imports ../config/schemas.ts (floor 0 -> floor 1)',
    ]);
    const sideways = failing({ ...HOUSE, 'src/tools/x.ts': "import { v2 } from '../models-v2/index.ts';\n" });
    expect(sideways).toContain('imports point down: a room imports only rooms of lower floors (and itself)');
  });

  it('a circle fails, even when one side is a type-only import', () => {
    const sources = {
      ...HOUSE,
      'src/shadow/controller.ts': "import { client } from './client.ts';\nexport class Controller {}\n",
      'src/shadow/client.ts': "import type { Controller } from './controller.ts';\nexport const client = 1;\n",
    };
    expect(circles(graphOfSources(new Map(Object.entries(sources))))).toEqual([['src/shadow/client.ts', 'src/shadow/controller.ts']]);
    expect(failing(sources)).toEqual(['no import circle (type-only imports included)']);
  });

  it('the engines importing each other, a second importer of legacy, an SDK outside v2 and a room with no floor all fail', () => {
    expect(failing({ ...HOUSE, 'src/models-v2/x.ts': "import { legacy } from '../models-legacy/index.ts';\n" })).toEqual([
      'imports point down: a room imports only rooms of lower floors (and itself)',
      'the two engines never import each other',
      'only src/engines/legacy.ts (and the legacy tests) import src/models-legacy/',
    ]);
    expect(failing({ ...HOUSE, 'src/tools/x.ts': "import Anthropic from '@anthropic-ai/sdk';\n" })).toEqual([
      'official SDKs are imported only inside src/models-v2/',
    ]);
    expect(failing({ ...HOUSE, 'src/index.ts': "export { v2 } from './models-v2/index.ts';\n" })).toContain(
      'importing src/index.ts statically loads no SDK (SDKs come in through import())',
    );
    expect(failing({ ...HOUSE, 'src/cli/x.ts': "import { compareCommand } from '../testing/compare/compare-command.ts';\n" })).toEqual([
      'dd-models loads the harness (src/testing) only through import(), for the rollout commands',
    ]);
    expect(failing({ ...HOUSE, 'src/cli/x.ts': "const load = () => import('../testing/compare/compare-command.ts');\n" })).toEqual([]);
    expect(failing({ ...HOUSE, 'src/attic/x.ts': 'export const x = 1;\n' })).toEqual([
      'every room of src/ and scripts/ has a floor (FLOORS in src/testing/architecture/layering.ts)',
    ]);
  });

  it('reads imports from code only: not from comments or strings, and not confused by a regex literal', () => {
    const text = [
      "// import { a } from './commented.ts';",
      "const pattern = /['\"]/g; /* import('./in-block-comment.ts') */",
      'const s = "import { b } from \'./in-string.ts\'";',
      'import {',
      '  type C,',
      '  d,',
      "} from './real.ts';",
      "import type { E } from './types.ts';",
      "export * from './all.ts';",
      "const lazy = () => import('./lazy.ts');",
    ].join('\n');
    expect(importsOf('src/x/a.ts', text).map(({ to, line, typeOnly, dynamic }) => ({ to, line, typeOnly, dynamic }))).toEqual([
      { to: 'src/x/real.ts', line: 4, typeOnly: false, dynamic: false },
      { to: 'src/x/types.ts', line: 8, typeOnly: true, dynamic: false },
      { to: 'src/x/all.ts', line: 9, typeOnly: false, dynamic: false },
      { to: 'src/x/lazy.ts', line: 10, typeOnly: false, dynamic: true },
    ]);
  });

  it('the picture in docs/architecture.md is the one the code draws (npm run architecture)', () => {
    const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    const committed = doc.slice(doc.indexOf(BEGIN_MARKER) + BEGIN_MARKER.length, doc.indexOf(END_MARKER)).trim();
    const sourceGraph = {
      files: graph.files.filter((f) => !f.startsWith('test/')),
      edges: graph.edges.filter((e) => !e.from.startsWith('test/')),
    };
    expect(committed, 'run npm run architecture and commit docs/architecture.md').toBe(architectureBlock(sourceGraph));
  });

  it('no source folder holds more than 20 files', () => {
    const crowded: string[] = [];
    const visit = (dir: string) => {
      const entries = readdirSync(join(root, dir), { withFileTypes: true });
      const files = entries.filter((e) => e.isFile()).length;
      if (files > 20) crowded.push(`${dir} (${files})`);
      for (const e of entries) if (e.isDirectory()) visit(`${dir}/${e.name}`);
    };
    visit('src');
    expect(crowded).toEqual([]);
  });

  it('no comment in src/ cites "SPEC §" (the SPEC is not in the repository; comments cite docs/ sections)', () => {
    const citing: string[] = [];
    const visit = (dir: string) => {
      for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = `${dir}/${e.name}`;
        if (e.isDirectory()) visit(path);
        else
          readFileSync(join(root, path), 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (line.includes('SPEC §')) citing.push(`${path}:${i + 1}`);
            });
      }
    };
    visit('src');
    expect(citing).toEqual([]);
  });

  it('every docs section a comment in src/ cites exists', () => {
    const cited = new Set<string>();
    const visit = (dir: string) => {
      for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = `${dir}/${e.name}`;
        if (e.isDirectory()) visit(path);
        else for (const m of readFileSync(join(root, path), 'utf8').matchAll(/(docs\/[\w-]+\.md) "([^"]+)"/g)) cited.add(`${m[1]}#${m[2]}`);
      }
    };
    visit('src');
    const missing = [...cited].filter((key) => {
      const [doc, section] = key.split('#');
      const text = readFileSync(join(root, doc), 'utf8');
      return !text.split('\n').some((line) => /^#{2,3} /.test(line) && line.replace(/^#+ /, '').startsWith(section));
    });
    expect(cited.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});

// The consolidation plan (delete one folder) only works while these rules hold, so every test
// run re-checks them on the real tree.
describe('architecture rules (npm run consolidation-check)', () => {
  it('passes on this repository', async () => {
    const { stdout } = await run(process.execPath, ['scripts/consolidation-check.ts'], { cwd: process.cwd() });
    expect(stdout).not.toContain('FAIL');
    expect(stdout).toMatch(/consolidation-check: (\d+)\/\1 checks pass/);
  });
});

describe('consolidation-check command line (issue 12, item 9)', () => {
  it('refuses an unknown flag or argument with exit 2 and one line, and runs no check', async () => {
    for (const args of [['--strict'], ['extra']]) {
      const result = await run(process.execPath, ['scripts/consolidation-check.ts', ...args], { cwd: process.cwd() }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^consolidation-check: .* \(see --help\)\n$/);
      expect(result.stdout).toBe('');
    }
  });

  it('--help prints usage and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['scripts/consolidation-check.ts', '--help'], { cwd: process.cwd() });
    expect(stdout).toMatch(/^Usage: npm run consolidation-check/);
  });
});
