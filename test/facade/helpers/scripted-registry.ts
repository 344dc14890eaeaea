// A real model registry (either engine) whose one provider is the scripted endpoint. Retries
// never wait: the runtime's sleep resolves at once and random() is fixed.
import type { DataDesignerConfigInput, ModelConfigInput, ModelProviderInput } from '../../../src/config/schemas.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { EngineName } from '../../../src/core/model-client.ts';
import type { ModelRegistry } from '../../../src/facade/model-registry.ts';
import { createModelRegistry } from '../../../src/index.ts';
import type { ProviderKit } from './provider-replies.ts';
import type { ScriptedProvider } from './scripted-provider.ts';

export { ENGINES } from '../../../src/testing/engines.ts';

export const fastRuntime = { sleep: async () => {}, random: () => 0.5 };

export const PROVIDER_NAME = 'scripted';
export const API_KEY = 'sk-scripted-test-key';

export interface ScriptedRegistryOptions {
  /** Extra fields for the provider (extraBody, extraHeaders, ...). */
  provider?: Partial<ModelProviderInput>;
  /** Model aliases; default one chat model 'model' with no inference parameters. */
  models?: Omit<ModelConfigInput, 'provider'>[];
  tools?: DataDesignerConfigInput['tools'];
  mcpServers?: DataDesignerConfigInput['mcpServers'];
}

export function scriptedConfig(kit: ProviderKit, server: ScriptedProvider, options: ScriptedRegistryOptions = {}): DataDesignerConfigInput {
  const models = options.models ?? [{ alias: 'model', model: kit.model }];
  return {
    providers: [
      {
        name: PROVIDER_NAME,
        endpoint: kit.endpoint(server.url),
        providerType: kit.type,
        apiKey: API_KEY,
        ...(kit.type === 'bedrock' ? { region: 'us-east-1' } : {}),
        ...options.provider,
      },
    ],
    models: models.map((m) => ({ ...m, provider: PROVIDER_NAME })),
    tools: options.tools ?? [],
    mcpServers: options.mcpServers ?? [],
  };
}

export function scriptedRegistry(
  kit: ProviderKit,
  server: ScriptedProvider,
  engine: EngineName,
  options: ScriptedRegistryOptions = {},
): ModelRegistry {
  return createModelRegistry(scriptedConfig(kit, server, options), {
    engine,
    env: {},
    runtime: fastRuntime,
    logger: silentLogger,
  });
}
