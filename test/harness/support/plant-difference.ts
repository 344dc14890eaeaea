// DD_COMPARE_TEST_HOOK module: plants a translation difference in the v2 engine only — it asks
// for one more token than the caller did — without touching engine source. The compare CLI must
// catch it as a wire-body difference and name the case and the JSON path.
import type { EngineName, ModelClient } from '../../../src/core/model-client.ts';
import type { ClientFactory } from '../../../src/config/client-factory.ts';

export function wrapFactory(engine: EngineName, factory: ClientFactory): ClientFactory {
  if (engine !== 'v2') return factory;
  return async (args) => {
    const inner: ModelClient = await factory(args);
    return {
      engine: inner.engine,
      providerType: inner.providerType,
      providerName: inner.providerName,
      modelAlias: inner.modelAlias,
      chat: (request, options) => inner.chat({ ...request, max_tokens: (request.max_tokens ?? 4096) + 1 }, options),
      embed: (request, options) => inner.embed(request, options),
      close: () => inner.close(),
    };
  };
}
