// DD_COMPARE_TEST_HOOK module for `compare --live`: the v2 engine "forgets" usage on chat
// answers, a structural difference the live comparison must catch.
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
      chat: async (request, options) => {
        const { usage: _dropped, ...response } = await inner.chat(request, options);
        return response;
      },
      embed: (request, options) => inner.embed(request, options),
      close: () => inner.close(),
    };
  };
}
