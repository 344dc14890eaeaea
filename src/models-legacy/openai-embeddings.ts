import type { EmbeddingRequest, EmbeddingResponse } from '../core/types.ts';
import { decodeBase64Float32 } from './decode-base64-float32.ts';
import { asRecord, finiteNumber, type JsonRecord } from './json-guards.ts';
import { ResponseShapeError } from './response-shape-error.ts';
import { checkEmbeddingCount, isNumberArray } from './embedding-checks.ts';

export function convertToOpenAIEmbeddingBody(request: EmbeddingRequest, model: string, extraBody: JsonRecord): JsonRecord {
  const body: JsonRecord = { model, input: request.input };
  if (request.encoding_format !== undefined) body.encoding_format = request.encoding_format;
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return { ...body, ...extraBody };
}

function vectorOf(raw: unknown): number[] {
  if (typeof raw === 'string') {
    try {
      return decodeBase64Float32(raw);
    } catch (error) {
      throw new ResponseShapeError(`an undecodable base64 embedding (${(error as Error).message})`);
    }
  }
  if (isNumberArray(raw)) return raw;
  throw new ResponseShapeError('an embedding that is neither a number array nor a base64 string');
}

export function parseOpenAIEmbeddingResponse(body: unknown, expectedCount: number): EmbeddingResponse {
  const root = asRecord(body);
  if (!root || !Array.isArray(root.data)) {
    throw new ResponseShapeError('an embeddings response without a "data" array');
  }
  const items = root.data.map((raw, position) => {
    const item = asRecord(raw) ?? {};
    return { order: finiteNumber(item.index) ?? position, embedding: vectorOf(item.embedding) };
  });
  checkEmbeddingCount(items.length, expectedCount);
  // Servers may answer out of order; `index` is the only link back to the input.
  items.sort((a, b) => a.order - b.order);
  const response: EmbeddingResponse = { data: items.map((item, index) => ({ index, embedding: item.embedding })) };
  const usage = asRecord(root.usage);
  if (usage) {
    const prompt = finiteNumber(usage.prompt_tokens) ?? 0;
    response.usage = { prompt_tokens: prompt, total_tokens: finiteNumber(usage.total_tokens) ?? prompt };
  }
  if (typeof root.model === 'string') response.model = root.model;
  return response;
}
