import type { ResolvedProvider } from '../../config/schemas.ts';
import { askedDimensions, checkEmbeddingVectors } from '../embeddings/embedding-checks.ts';
import { DIALECTS } from '../../core/dialects/dialect-table.ts';
import { DEFAULT_DIALECT } from '../../core/dialects/server-dialect.ts';
import { convertToOpenAIChatBody } from './request.ts';
import { convertToOpenAIEmbeddingBodies, openAIEmbeddingBatchLabel, parseOpenAIEmbeddingBatches } from './embeddings.ts';
import { parseOpenAIChatResponse } from './response.ts';
import { openAIEmbeddedFailure } from './embedded-failure.ts';
import { joinUrl, type ProviderAdapter } from '../client/provider-adapter.ts';

/** OpenAI and every OpenAI-compatible server (vLLM, NIM, DeepSeek, xAI, Gemini-compat, Azure). */
export function createOpenAIAdapter(provider: ResolvedProvider): ProviderAdapter {
  const dialectRules = DIALECTS[provider.dialect ?? DEFAULT_DIALECT].request;
  return {
    providerType: 'openai',
    url: (path) => joinUrl(provider.endpoint, path),
    headers: () => {
      // Local servers often run without a key; an empty Bearer would be rejected by some.
      const headers: Record<string, string> = {};
      const key = provider.apiKey?.reveal();
      if (key) headers.authorization = `Bearer ${key}`;
      return headers;
    },
    planChat: ({ request, model, extraBody }) => ({
      call: {
        path: '/chat/completions',
        body: convertToOpenAIChatBody(request, model, extraBody, dialectRules),
        failureIn: (body) => openAIEmbeddedFailure(body, 'choices'),
      },
      parse: (result) => parseOpenAIChatResponse(result.body),
    }),
    // Over 2,048 texts: one request per batch, sent concurrently like Cohere's (engine-rules).
    planEmbedding: ({ request, model, extraBody }) => {
      const bodies = convertToOpenAIEmbeddingBodies(request, model, extraBody);
      const dimensions = askedDimensions(bodies[0], 'dimensions');
      return {
        calls: bodies.map((body) => ({ path: '/embeddings', body, failureIn: (answer) => openAIEmbeddedFailure(answer, 'data') })),
        label: (index) => openAIEmbeddingBatchLabel(index, request.input.length),
        parse: (results) => {
          const response = parseOpenAIEmbeddingBatches(
            results.map((result) => result.body),
            request.input.length,
          );
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
