// staging-job, record and compare --live make real calls whose results are evidence (a run
// summary for the gate, fixtures, a parity report). A provider whose apiKey names an unset
// environment variable would send the variable's name as the key and record 401s: they refuse
// to start instead, with one line naming the provider, its aliases and the variable
// (src/config/unset-key-variables.ts; `dd-models generate` warns, `config check` reports it).
import { describeUnsetKeyVariable, unsetKeyVariables } from '../config/unset-key-variables.ts';
import type { DataDesignerConfig } from '../config/schemas.ts';
import { UsageError } from './compare/cli-options.ts';

/** Throws a UsageError when a provider in `providers` (default: every provider) has such a key. */
export function refuseUnsetKeyVariables(
  config: DataDesignerConfig,
  providers?: Iterable<string>,
  env: Record<string, string | undefined> = process.env,
): void {
  const unset = unsetKeyVariables(config, env, providers ? new Set(providers) : undefined);
  if (unset.length > 0) throw new UsageError(unset.map(describeUnsetKeyVariable).join('; '));
}
