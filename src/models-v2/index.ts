// The v2 engine: ModelClient adapters over the official SDKs. Each adapter module (and so each
// SDK) is imported only when a provider of its type is first used, so a user with only
// OpenAI-compatible models never loads the Anthropic or AWS SDKs.
import { ConfigError } from '../core/errors.ts';
import type { ModelClient } from '../core/model-client.ts';
import type { ClientFactory } from '../config/client-factory.ts';

export const createClient: ClientFactory = async (args): Promise<ModelClient> => {
  switch (args.provider.providerType) {
    case 'openai':
      return (await import('./openai/client.ts')).createOpenAIModelClient(args);
    case 'anthropic':
      return (await import('./anthropic/client.ts')).createAnthropicModelClient(args);
    case 'bedrock':
      return (await import('./bedrock/client.ts')).createBedrockModelClient(args);
    default:
      throw new ConfigError(`Provider '${args.provider.name}' has unknown type '${String(args.provider.providerType)}'`, {
        solution: 'Use providerType "openai", "anthropic" or "bedrock".',
      });
  }
};

export type { Admission, AdmissionDomain, AdmissionOutcome, AdmissionPermit } from './admission/admission.ts';
// Former names of the same types, kept for existing importers.
export type { RequestThrottle, ThrottleDomain, ThrottleOutcome, ThrottlePermit } from './admission/admission.ts';
