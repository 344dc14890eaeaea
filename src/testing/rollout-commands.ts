// The rollout's commands (MIGRATION.md) as `dd-models <command>` from the installed package:
// compiled into dist/testing/ beside the library and loaded only when one of them is run —
// importing the library never loads this file (test/supply-chain/dist-imports.test.ts).
// In a clone, `npm run <command> --` runs the same functions from scripts/<command>.ts.

type RolloutCommand = (args: string[], program: string) => Promise<void>;

const LOADERS: Record<string, () => Promise<RolloutCommand>> = {
  compare: async () => (await import('./compare/compare-command.ts')).compareCommand,
  record: async () => (await import('./record/record-command.ts')).recordCommand,
  bench: async () => (await import('./bench/bench-in-clone.ts')).benchCommand,
  gate: async () => (await import('./gate/gate-command.ts')).gateCommand,
  'staging-job': async () => (await import('./staging/staging-job-command.ts')).stagingJobCommand,
  'fake-provider': async () => (await import('./fake-provider/fake-provider-command.ts')).fakeProviderCommand,
};

/** Runs `dd-models <name> <args…>`; its exit code is set on process.exitCode. */
export async function runRolloutCommand(name: string, args: string[]): Promise<void> {
  const load = LOADERS[name];
  if (load === undefined) throw new Error(`not a rollout command: ${name}`);
  await (await load())(args, `dd-models ${name}`);
}
