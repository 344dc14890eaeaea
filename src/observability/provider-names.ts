import type { ProviderType } from '../core/types.ts';

/** Our provider type → the GenAI conventions' well-known `gen_ai.provider.name` value. */
export const GEN_AI_PROVIDER_NAMES: Readonly<Record<ProviderType, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  bedrock: 'aws.bedrock',
};
