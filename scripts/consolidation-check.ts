#!/usr/bin/env node
// Verifies the mechanical items of MIGRATION.md's consolidation checklist: the architecture
// rules that make "delete src/models-legacy/" a one-folder change. Exit 0 when all hold.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rehearse } from '../src/testing/consolidation/rehearse.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SDKS = ['openai', '@anthropic-ai/sdk', '@aws-sdk/client-bedrock-runtime'];
// The benchmark's reference rows measure the bare SDKs as a user would write them by hand
// (docs/benchmarks.md "Reference rows"): harness code, never loaded by the library.
const BARE_SDK_REFERENCES = ['src/testing/bench/reference-callers.ts', 'src/testing/bench/cold-start.ts'];

interface ImportSite {
  file: string;
  line: number;
  specifier: string;
  dynamic: boolean;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.(ts|mts|js)$/.test(entry.name)) out.push(path);
  }
  return out;
}

const IMPORT =
  /(?:^|[^.\w])(import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

async function importsOf(file: string): Promise<ImportSite[]> {
  const text = await readFile(file, 'utf8');
  const sites: ImportSite[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[2] ?? match[3] ?? match[4];
    const line = text.slice(0, match.index).split('\n').length;
    // `import type` never loads anything at run time.
    if (/^\s*(import|export)\s+type\s/.test(match[0].trimStart())) continue;
    sites.push({ file: relative(root, file), line, specifier, dynamic: match[3] !== undefined });
  }
  return sites;
}

function resolvesInto(site: ImportSite, folder: string): boolean {
  if (!site.specifier.startsWith('.')) return false;
  const target = relative(root, resolve(root, dirname(site.file), site.specifier));
  return target === folder || target.startsWith(`${folder}/`);
}

interface Check {
  name: string;
  failures: string[];
}

async function main(): Promise<number> {
  const files = [
    ...(await sourceFiles(join(root, 'src'))),
    ...(await sourceFiles(join(root, 'scripts'))),
    ...(await sourceFiles(join(root, 'test'))),
  ];
  const sites = (await Promise.all(files.map(importsOf))).flat();
  const checks: Check[] = [];
  const where = (s: ImportSite) => `${s.file}:${s.line} imports ${s.specifier}`;

  checks.push({
    name: 'only src/engine.ts (and the legacy tests) import src/models-legacy/',
    failures: sites
      .filter((s) => resolvesInto(s, 'src/models-legacy'))
      .filter((s) => !s.file.startsWith('src/models-legacy/') && s.file !== 'src/engine.ts' && !s.file.startsWith('test/legacy/'))
      .map(where),
  });
  checks.push({
    name: 'the two engines never import each other',
    failures: sites
      .filter(
        (s) =>
          (s.file.startsWith('src/models-legacy/') && resolvesInto(s, 'src/models-v2')) ||
          (s.file.startsWith('src/models-v2/') && resolvesInto(s, 'src/models-legacy')),
      )
      .map(where),
  });
  checks.push({
    name: 'engines share only src/core/ and src/config/',
    failures: sites
      .filter((s) => s.file.startsWith('src/models-legacy/') || s.file.startsWith('src/models-v2/'))
      .filter((s) => ['src/facade', 'src/tools', 'src/testing', 'src/index.ts', 'src/engine.ts'].some((f) => resolvesInto(s, f)))
      .map(where),
  });
  checks.push({
    name: 'official SDKs are imported only inside src/models-v2/',
    failures: sites
      .filter((s) => s.file.startsWith('src/') && !s.file.startsWith('src/models-v2/') && !BARE_SDK_REFERENCES.includes(s.file))
      .filter((s) => SDKS.some((sdk) => s.specifier === sdk || s.specifier.startsWith(`${sdk}/`)))
      .map(where),
  });
  // Importing the package must load no SDK: walk the static import graph from src/index.ts.
  const bySource = new Map<string, ImportSite[]>();
  for (const site of sites) bySource.set(site.file, [...(bySource.get(site.file) ?? []), site]);
  const reachable = new Set<string>();
  const queue = ['src/index.ts'];
  while (queue.length) {
    const file = queue.pop()!;
    if (reachable.has(file)) continue;
    reachable.add(file);
    for (const site of bySource.get(file) ?? []) {
      if (site.dynamic || !site.specifier.startsWith('.')) continue;
      queue.push(relative(root, resolve(root, dirname(file), site.specifier)));
    }
  }
  checks.push({
    name: 'importing src/index.ts statically loads no SDK (SDKs come in through import())',
    failures: sites
      .filter((s) => reachable.has(s.file) && !s.dynamic)
      .filter((s) => SDKS.some((sdk) => s.specifier === sdk || s.specifier.startsWith(`${sdk}/`)))
      .map(where),
  });
  const legacyPresent = (await stat(join(root, 'src/models-legacy')).catch(() => undefined)) !== undefined;

  let failed = 0;
  for (const check of checks) {
    const ok = check.failures.length === 0;
    if (!ok) failed++;
    process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${check.name}\n`);
    for (const failure of check.failures) process.stdout.write(`        ${failure}\n`);
  }
  process.stdout.write(
    legacyPresent
      ? 'INFO  src/models-legacy/ is still present: delete it (and its branch in src/engine.ts) once every phase gate holds\n'
      : 'INFO  src/models-legacy/ is gone\n',
  );
  process.stdout.write(`consolidation-check: ${checks.length - failed}/${checks.length} checks pass\n`);
  return failed === 0 ? 0 : 1;
}

const USAGE = `Usage: npm run consolidation-check [-- --rehearse [--tests <file|filter>]... [--keep]]
  Checks the architecture rules of MIGRATION.md's consolidation checklist (exit 0 when all hold).

  --rehearse          then rehearse phase 4 in a temporary copy of the repo (no .git, node_modules
                      symlinked): delete src/models-legacy/, test/legacy/ and the legacy branch of
                      loadClientFactory, narrow src/testing/engines.ts to ['v2'], delete the suites
                      marked @retire-with-legacy, run the typecheck and the test suite there, and
                      print what broke or PASS (exit 0 PASS, 1 anything broke)
  --tests <filter>    (with --rehearse) run only these test files/filters instead of the whole suite
  --keep              (with --rehearse) keep the copy and its logs (typecheck.log, test.log)
`;

interface CommandLine {
  rehearse: boolean;
  tests: string[];
  keep: boolean;
}

/** The parsed options, or an exit code: 0 after --help, 2 for an unknown or misplaced flag. */
function commandLine(argv: string[]): CommandLine | number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        rehearse: { type: 'boolean' },
        tests: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!values.rehearse && (values.tests || values.keep)) throw new Error('--tests and --keep are only used with --rehearse');
    return { rehearse: values.rehearse === true, tests: values.tests ?? [], keep: values.keep === true };
  } catch (error) {
    process.stderr.write(`consolidation-check: ${(error as Error).message} (see --help)\n`);
    return 2;
  }
}

async function run(argv: string[]): Promise<number> {
  const options = commandLine(argv);
  if (typeof options === 'number') return options;
  const checks = await main();
  if (!options.rehearse) return checks;
  const { pass } = await rehearse(root, { tests: options.tests, keep: options.keep });
  return checks === 0 && pass ? 0 : 1;
}

process.exitCode = await run(process.argv.slice(2));
