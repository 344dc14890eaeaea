// The engine switch (docs/contract.md "Engine switch"). The phased rollout runs through this one variable, so anything
// we do not understand is an error rather than a silent fallback to either engine.
import { ConfigError } from './core/errors.ts';
import type { EngineName } from './core/model-client.ts';
import type { ClientFactory } from './config/client-factory.ts';
import { PROVIDER_TYPES, type ProviderType } from './core/types.ts';
import { legacyEngine } from './engines/legacy.ts';
import { v2Engine } from './engines/v2.ts';

export const ENGINE_ENV_VAR = 'DATA_DESIGNER_ASYNC_ENGINE';

export type EngineRouting = Record<ProviderType, EngineName>;
export type EngineOption = EngineName | Partial<Record<ProviderType, EngineName>>;

const ALL_V2: EngineRouting = { openai: 'v2', anthropic: 'v2', bedrock: 'v2' };
const ALL_LEGACY: EngineRouting = { openai: 'legacy', anthropic: 'legacy', bedrock: 'legacy' };

/** The one vocabulary of the engine switch: the variable, every `--engine` flag and the `engine` option's strings. */
export const ENGINE_SWITCH_VALUES =
  '"v2" (or "1"/"true": v2 everywhere), "legacy" (or "0"/"false"/empty: legacy everywhere), ' +
  'or a comma list of provider types to route to v2 ("openai", "openai,anthropic")';

const TO_V2 = new Set(['v2', '1', 'true']);
const TO_LEGACY = new Set(['legacy', '0', 'false', '']);

/**
 * Reads an engine switch value, wherever it came from (`source`: `DATA_DESIGNER_ASYNC_ENGINE`,
 * `--engine`, `engine option`). Anything not understood is a ConfigError whose message names the
 * source, the part not understood and the accepted values (harness CLIs print the message alone).
 */
export function parseEngineSwitch(raw: string | undefined, source: string): EngineRouting {
  const value = (raw ?? '').trim().toLowerCase();
  if (TO_LEGACY.has(value)) return { ...ALL_LEGACY };
  if (TO_V2.has(value)) return { ...ALL_V2 };
  const listed = value.split(',').map((part) => part.trim());
  const unknown = listed.filter((part) => !(PROVIDER_TYPES as readonly string[]).includes(part));
  if (unknown.length > 0) {
    const parts = unknown.map((part) => (part === '' ? '(empty)' : `"${part}"`)).join(', ');
    throw new ConfigError(
      `${source}=${JSON.stringify(raw)} is not understood (unknown part${unknown.length > 1 ? 's' : ''}: ${parts}): use ${ENGINE_SWITCH_VALUES}`,
      {
        solution: `Give ${source} one of the values above: "v2" puts every provider on v2, "openai" only OpenAI-type providers.`,
      },
    );
  }
  const routing = { ...ALL_LEGACY };
  for (const part of listed) routing[part as ProviderType] = 'v2';
  return routing;
}

export function resolveEngine(env: Record<string, string | undefined> = process.env, explicit?: EngineOption): EngineRouting {
  if (explicit !== undefined) return fromOption(explicit);
  return parseEngineSwitch(env[ENGINE_ENV_VAR], ENGINE_ENV_VAR);
}

function fromOption(option: EngineOption): EngineRouting {
  if (typeof option === 'string') return parseEngineSwitch(option, 'engine option');
  if (typeof option !== 'object' || option === null) {
    throw new ConfigError(`engine option ${JSON.stringify(option)} is not valid`, {
      solution: `Pass 'legacy', 'v2' or an object such as { openai: 'v2' }.`,
    });
  }
  const routing = { ...ALL_LEGACY };
  for (const [type, engine] of Object.entries(option)) {
    if (!(PROVIDER_TYPES as readonly string[]).includes(type) || (engine !== 'legacy' && engine !== 'v2')) {
      throw new ConfigError(`engine option entry ${type}: ${JSON.stringify(engine)} is not valid`, {
        solution: `Use provider types ${PROVIDER_TYPES.join(', ')} mapped to 'legacy' or 'v2'.`,
      });
    }
    routing[type as ProviderType] = engine;
  }
  return routing;
}

export function describeRouting(routing: EngineRouting): string {
  return PROVIDER_TYPES.map((type) => `${type}=${routing[type]}`).join(', ');
}

/** An engine this build carries: src/engines/<name>.ts, one line in REGISTERED below. */
export interface EngineRegistration {
  readonly name: EngineName;
  load(): Promise<{ createClient?: ClientFactory }>;
}

/** The engines this build carries. Phase 4 deletes src/engines/legacy.ts and its entry here. */
const REGISTERED: readonly EngineRegistration[] = [legacyEngine, v2Engine];

/**
 * Loads an engine's client factory on demand, so importing the library loads neither engine
 * (and so none of the SDKs) until a model is first used.
 */
export async function loadClientFactory(engine: EngineName): Promise<ClientFactory> {
  const registration = REGISTERED.find((candidate) => candidate.name === engine);
  if (registration === undefined) {
    throw new ConfigError(`The ${engine} engine is not part of this build (MIGRATION.md, phase 4)`, {
      solution: `Set ${ENGINE_ENV_VAR} to route every provider to ${REGISTERED.map((r) => r.name).join(' or ')}.`,
    });
  }
  const module = await registration.load();
  if (typeof module.createClient !== 'function') {
    throw new ConfigError(`The ${engine} engine does not export a client factory`, {
      solution: `Route the provider to the other engine with ${ENGINE_ENV_VAR} until the ${engine} engine is built.`,
    });
  }
  return module.createClient;
}
