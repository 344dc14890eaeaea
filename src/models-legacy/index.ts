// Entry point of the legacy engine; src/engine.ts imports this lazily.
import type { ClientFactory } from '../config/client-factory.ts';
import { LegacyModelClient } from './client/model-client.ts';

export const createClient: ClientFactory = ({ provider, model, runtime }) => new LegacyModelClient({ provider, model, runtime });

export { LegacyModelClient } from './client/model-client.ts';
export { CustomRouter } from './client/router.ts';
