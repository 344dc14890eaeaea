#!/usr/bin/env node
// npm run deps-report -- [--json file] [--root dir]
// The production closure (count, install scripts, licences, strictest engines.node), who imports
// each declared dependency, and what deleting src/models-legacy/ would remove. Exit 1 when a
// declared dependency is unused, the library imports a devDependency, or engines.node is too low.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../src/config/command-line-flags.ts';
import { ensureWritable, runCli, UsageError, writeReport } from '../src/testing/compare/cli-options.ts';
import { buildDepsReport, depsProblems, renderDepsReport } from '../src/testing/supply-chain/deps-report.ts';

const USAGE = `Usage: npm run deps-report -- [options]

  --json <file>   write the report as JSON
  --root <dir>    the package to inspect (default: this repository)
`;

await runCli('deps-report', async () => {
  const { values } = parseFlags({
    options: { json: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const root = resolve(values.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  if (values.json) await ensureWritable(values.json, '--json');
  const report = await buildDepsReport(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new UsageError(
        `--root ${root}: ${error.path ?? 'a file'} is missing (package.json, package-lock.json, src/ and scripts/ are read)`,
      );
    if (error instanceof SyntaxError || /package-lock/.test(error.message)) throw new UsageError(`--root ${root}: ${error.message}`);
    throw error;
  });
  process.stdout.write(`${renderDepsReport(report)}\n`);
  if (values.json) {
    await writeReport(values.json, '--json', `${JSON.stringify({ ...report, problems: depsProblems(report) }, null, 2)}\n`);
    process.stdout.write(`JSON report written to ${values.json}\n`);
  }
  return depsProblems(report).length ? 1 : 0;
});
