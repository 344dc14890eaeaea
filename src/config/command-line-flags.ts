// The one command-line parser of dd-models and every harness command (compare, record, gate,
// bench, staging-job, fake-provider, …): node:util parseArgs, strict, where an unknown flag is
// answered with the flag it most likely meant and the flags there are.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from './closest-name.ts';

/** A flag the command does not have; `code` as parseArgs's own, so every CLI treats it as a usage error (exit 2). */
export class UnknownFlagError extends Error {
  override readonly name = 'UnknownFlagError';
  readonly code = 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
}

/** `--fixture` → `unknown flag --fixture: did you mean --fixtures? (flags: --fixtures, --filter, …)`. */
export function unknownFlagMessage(flag: string, options: ParseArgsConfig['options']): string {
  const names = Object.entries(options ?? {}).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);
  const long = names.filter((name) => name.startsWith('--'));
  // A typo (≤ 2 edits), or the start of exactly one flag (`--summary` for `--summary-json`).
  const started = long.filter((name) => name.startsWith(flag));
  const guess = flag.startsWith('--') ? (closestName(flag, long) ?? (started.length === 1 ? started[0] : undefined)) : undefined;
  return `unknown flag ${flag}${guess ? `: did you mean ${guess}?` : ''} (flags: ${long.join(', ')})`;
}

export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const flag = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || flag === undefined) throw error;
    throw new UnknownFlagError(unknownFlagMessage(flag, config.options));
  }
}

/** parseFlags for a script without runCli: a bad flag is one line on stderr and exit 2, as in every other command. */
export function parseFlagsOrExit<T extends ParseArgsConfig>(program: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseFlags(config);
  } catch (error) {
    process.stderr.write(`${program}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
