// What an engine's createClient receives: the resolved model and provider config, plus the run's
// runtime, admission settings and logger. On the config floor because it names config types; the
// engines and src/engine.ts import it from here.
import type { Logger } from '../core/logger.ts';
import type { ModelClient, Runtime } from '../core/model-client.ts';
import type { AdmissionConfig, ModelConfig, ResolvedProvider } from './schemas.ts';

export interface ClientFactoryArgs {
  provider: ResolvedProvider;
  model: ModelConfig;
  runtime?: Partial<Runtime>;
  /** The run's admission settings (v2); absent means the defaults. */
  admission?: AdmissionConfig;
  /** Where limit changes and other engine notices go; absent means silent. */
  logger?: Logger;
}

export type ClientFactory = (args: ClientFactoryArgs) => ModelClient | Promise<ModelClient>;
