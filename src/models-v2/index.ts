import { ConfigError } from '../core/errors.ts';
import type { ClientFactory } from '../core/model-client.ts';

export const createClient: ClientFactory = ({ provider }) => {
  throw new ConfigError(`The v2 engine is not built yet (provider '${provider.name}')`, {
    solution: 'Route this provider type to the other engine with DATA_DESIGNER_ASYNC_ENGINE.',
  });
};
