import type { ResolvedProvider } from '../../config/schemas.ts';
import {
  bedrockEmbeddingCallLabel,
  bedrockEmbeddingFamily,
  convertToBedrockEmbeddingBodies,
  parseBedrockEmbeddingResults,
} from './embeddings.ts';
import { convertToBedrockConverseRequest } from './request.ts';
import { askedDimensions, checkEmbeddingVectors } from '../embeddings/embedding-checks.ts';
import { parseBedrockConverseResponse } from './response.ts';
import { joinUrl, type ProviderAdapter } from '../client/provider-adapter.ts';
import { badRequest } from '../canonical/request-input-error.ts';
import { createBedrockRequestSigner } from './request-signing.ts';

/**
 * Model ids carry `:` (`us.amazon.nova-micro-v1:0`), which must be escaped in the path. `.` and
 * `..` survive escaping and are dot segments: URL resolution would drop them (`/model/../converse`
 * → `/converse`), so they are refused (docs/engine-rules.md, "Odd input").
 */
export function bedrockModelPath(modelId: string, action: 'converse' | 'invoke'): string {
  if (modelId === '.' || modelId === '..') {
    throw badRequest(
      `the Bedrock model id '${modelId}' is a URL dot segment, not a model id`,
      'Set the model to a Bedrock model id, inference profile id or ARN (e.g. us.amazon.nova-micro-v1:0).',
    );
  }
  return `/model/${encodeURIComponent(modelId)}/${action}`;
}

export function createBedrockAdapter(provider: ResolvedProvider): ProviderAdapter {
  const apiKey = provider.apiKey;
  // With a Bedrock API key the request is a plain Bearer call; otherwise SigV4 over the final request.
  const sign = apiKey ? undefined : createBedrockRequestSigner(provider.region);
  return {
    providerType: 'bedrock',
    url: (path) => joinUrl(provider.endpoint, path),
    headers: () => {
      const headers: Record<string, string> = {};
      if (apiKey) headers.authorization = `Bearer ${apiKey.reveal()}`;
      return headers;
    },
    sign,
    planChat: ({ request, model, extraBody }) => ({
      call: { path: bedrockModelPath(model, 'converse'), body: convertToBedrockConverseRequest(request, extraBody) },
      parse: (result) => parseBedrockConverseResponse(result.body),
    }),
    planEmbedding: ({ request, model, extraBody }) => {
      const family = bedrockEmbeddingFamily(model);
      const path = bedrockModelPath(model, 'invoke');
      const bodies = convertToBedrockEmbeddingBodies(family, model, request, extraBody);
      const dimensions = askedDimensions(bodies[0], family === 'titan' ? 'dimensions' : 'output_dimension');
      return {
        calls: bodies.map((body) => ({ path, body })),
        label: (index) => bedrockEmbeddingCallLabel(family, index, request.input.length),
        parse: (results) => {
          const response = parseBedrockEmbeddingResults(family, results, request.input.length);
          checkEmbeddingVectors(
            response.data.map((item) => item.embedding),
            dimensions,
          );
          return response;
        },
      };
    },
  };
}
