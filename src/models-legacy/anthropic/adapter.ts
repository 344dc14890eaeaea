import type { ResolvedProvider } from '../../config/schemas.ts';
import { convertToAnthropicRequest } from './request.ts';
import { parseAnthropicResponse } from './response.ts';
import { joinUrl, type ProviderAdapter } from '../client/provider-adapter.ts';
import { unsupportedCapability } from '../canonical/request-input-error.ts';

export const ANTHROPIC_VERSION = '2023-06-01';

/** Users configure both `https://api.anthropic.com` and `.../v1`; both must reach `/v1/messages`. */
export function anthropicBaseUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export function createAnthropicAdapter(provider: ResolvedProvider): ProviderAdapter {
  const base = anthropicBaseUrl(provider.endpoint);
  return {
    providerType: 'anthropic',
    url: (path) => joinUrl(base, path),
    headers: () => {
      const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
      const key = provider.apiKey?.reveal();
      if (key) headers['x-api-key'] = key;
      return headers;
    },
    planChat: ({ request, model, extraBody }) => ({
      call: { path: '/v1/messages', body: convertToAnthropicRequest(request, model, extraBody) },
      parse: (result) => parseAnthropicResponse(result.body),
    }),
    planEmbedding: () => {
      throw unsupportedCapability(
        'Anthropic has no embeddings API',
        'Configure an OpenAI-compatible or Bedrock embedding model for embeddings.',
      );
    },
  };
}
