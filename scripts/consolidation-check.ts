#!/usr/bin/env node
// Verifies the mechanical items of MIGRATION.md's consolidation checklist: the architecture
// rules that make "delete src/models-legacy/" a one-folder change. Exit 0 when all hold.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../src/config/command-line-flags.ts';
import { readImportGraph } from '../src/testing/architecture/import-graph.ts';
import { layeringRules } from '../src/testing/architecture/layering.ts';
import { rehearse } from '../src/testing/consolidation/rehearse.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The rules are the layering rules of docs/architecture.md, read from the import graph
// (src/testing/architecture/), the same ones test/core/architecture.test.ts enforces.
async function main(): Promise<number> {
  const checks = layeringRules(readImportGraph(root));
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
      ? 'INFO  src/models-legacy/ is still present: delete it (and src/engines/legacy.ts with its REGISTERED entry) once every phase gate holds\n'
      : 'INFO  src/models-legacy/ is gone\n',
  );
  process.stdout.write(`consolidation-check: ${checks.length - failed}/${checks.length} checks pass\n`);
  return failed === 0 ? 0 : 1;
}

const USAGE = `Usage: npm run consolidation-check [-- --rehearse [--tests <file|filter>]... [--keep]]
  Checks the architecture rules of MIGRATION.md's consolidation checklist (exit 0 when all hold).

  --rehearse          then rehearse phase 4 in a temporary copy of the repo (no .git, node_modules
                      symlinked): delete src/models-legacy/, test/legacy/ and src/engines/legacy.ts
                      (and its REGISTERED entry in src/engine.ts), narrow src/testing/engines.ts to ['v2'], delete the suites
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
    const { values } = parseFlags({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        rehearse: { type: 'boolean' },
        tests: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
      },
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
