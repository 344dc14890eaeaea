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

const ACCEPTED =
  '"1"/"true" (v2 everywhere), unset/""/"0"/"false" (legacy everywhere), or a comma list of provider types such as "openai" or "openai,anthropic"';

export function resolveEngine(env: Record<string, string | undefined> = process.env, explicit?: EngineOption): EngineRouting {
  if (explicit !== undefined) return fromOption(explicit);
  const raw = env[ENGINE_ENV_VAR];
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === '0' || value === 'false') return { ...ALL_LEGACY };
  if (value === '1' || value === 'true') return { ...ALL_V2 };
  const listed = value.split(',').map((part) => part.trim());
  const unknown = listed.filter((part) => !(PROVIDER_TYPES as readonly string[]).includes(part));
  if (unknown.length > 0 || listed.length === 0) {
    throw new ConfigError(
      `${ENGINE_ENV_VAR}="${raw}" is not understood (unknown part${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `"${u}"`).join(', ') || '(empty)'})`,
      { solution: `Set ${ENGINE_ENV_VAR} to ${ACCEPTED}.` },
    );
  }
  const routing = { ...ALL_LEGACY };
  for (const part of listed) routing[part as ProviderType] = 'v2';
  return routing;
}

function fromOption(option: EngineOption): EngineRouting {
  if (option === 'legacy') return { ...ALL_LEGACY };
  if (option === 'v2') return { ...ALL_V2 };
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
