// The grid every reliability suite runs: both engines × the three provider protocols, with one
// chat model id per provider that the fake provider and the scripted servers answer for.
import type { ProviderType } from '../../../src/core/types.ts';

export { ENGINES } from '../../../src/testing/engines.ts';
export const PROVIDERS: readonly ProviderType[] = ['openai', 'anthropic', 'bedrock'];
export const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};
