// A provider whose `apiKey` names an environment variable that is not set (issue 25, item 13).
// docs/contract.md "Config" sends the reference itself as the key then, so `apiKey: OPENAI_API_KEY` with the
// variable unset sends the text "OPENAI_API_KEY" and every call fails with 401 "invalid key",
// which says nothing about the variable. The registry warns (dd-models generate, health);
// `dd-models config check` reports it as a problem, and the harness CLIs that make real calls
// for evidence (staging-job, record, compare --live) refuse to start: a run whose every call is a
// 401 for a missing export proves nothing. Which references count as variable names is
// secret-ref.ts's rule (an all-caps name with underscores), so a real key is never named here.
import type { DataDesignerConfig } from './schemas.ts';
import { resolveSecretRef, UNSET_VARIABLE_ORIGIN } from './secret-ref.ts';

export interface UnsetKeyVariable {
  provider: string;
  /** The environment variable the apiKey names. */
  variable: string;
  /** The model aliases served by that provider (empty when no model uses it). */
  aliases: string[];
}

/**
 * Every provider (of `onlyProviders`, when given) whose apiKey names an unset variable, in config
 * order. Nothing is registered as a secret: the names found are the config's own text.
 */
export function unsetKeyVariables(
  config: DataDesignerConfig,
  env: Record<string, string | undefined> = process.env,
  onlyProviders?: ReadonlySet<string>,
): UnsetKeyVariable[] {
  const found: UnsetKeyVariable[] = [];
  for (const provider of config.providers) {
    if (onlyProviders && !onlyProviders.has(provider.name)) continue;
    const origin = resolveSecretRef(provider.apiKey, env)?.origin ?? '';
    if (!origin.startsWith(UNSET_VARIABLE_ORIGIN)) continue;
    const aliases = config.models.filter((model) => model.provider === provider.name).map((model) => model.alias);
    found.push({ provider: provider.name, variable: origin.slice(UNSET_VARIABLE_ORIGIN.length), aliases });
  }
  return found;
}

/** One sentence naming the provider, its aliases and the variable, and what to do. */
export function describeUnsetKeyVariable({ provider, variable, aliases }: UnsetKeyVariable): string {
  const served = aliases.length > 0 ? ` (alias${aliases.length > 1 ? 'es' : ''} ${aliases.map((a) => `'${a}'`).join(', ')})` : '';
  return (
    `provider '${provider}'${served}: apiKey names the environment variable ${variable}, which is not set, ` +
    `so the text "${variable}" would be sent as the key; export ${variable} (or put the key itself in the config)`
  );
}
