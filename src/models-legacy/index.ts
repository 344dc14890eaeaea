// Entry point of the legacy engine; src/engine.ts imports this lazily.
import type { ClientFactory } from '../core/model-client.ts';
import { LegacyModelClient } from './legacy-model-client.ts';

export const createClient: ClientFactory = ({ provider, model, runtime }) =>
  new LegacyModelClient({ provider, model, runtime });

export { LegacyModelClient } from './legacy-model-client.ts';
export { CustomRouter } from './custom-router.ts';
