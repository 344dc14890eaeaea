// `dd-models bench` from the installed package. The benchmarks measure the engines from their
// sources (cold start of src/index.ts and of a fresh build, the fake provider as a child process)
// and need the repo's devDependencies (tinybench, the OpenTelemetry SDKs), so they run in a clone
// of the installed version; this says exactly how, with the flags the user typed.
import { readFile } from 'node:fs/promises';
import { UsageError, runCli } from '../compare/cli-options.ts';

async function installedVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'the installed version';
  } catch {
    return 'the installed version';
  }
}

function howTo(version: string, args: string[]): string {
  const flags = args.filter((arg) => arg !== '--help' && arg !== '-h').join(' ') || '--mode compare';
  return `the benchmarks run in a clone of data-designer-models ${version}, not from the installed package: they measure the engines from their sources and need the repo's devDependencies (tinybench, the OpenTelemetry SDKs). In the clone: npm ci, then npm run bench -- ${flags} (npm run bench -- --help lists the modes; MIGRATION.md phase 1)`;
}

/** `dd-models bench …`: --help exits 0 with the way to run them; anything else exits 2 with it. */
export async function benchCommand(args: string[], program: string): Promise<void> {
  const text = howTo(await installedVersion(), args);
  await runCli('bench', async () => {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(`Usage: ${program}: ${text}\n`);
      return 0;
    }
    throw new UsageError(text);
  });
}
