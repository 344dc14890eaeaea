import { OPENAI_EMBEDDING_BATCH_MAX } from '../../core/provider-constraints.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { decodeBase64Float32 } from '../embeddings/embedding-vectors.ts';
import { asRecord, finiteNumber, type JsonRecord } from '../canonical/json-value.ts';
import { ResponseShapeError } from '../transport/response-shape-error.ts';
import { checkEmbeddingCount, isNumberArray } from '../embeddings/embedding-checks.ts';

/**
 * One body per batch of at most 2,048 texts (the API's maximum inputs per request), in input
 * order; a call within the limit is one body, as before (docs/engine-rules.md, Embeddings).
 */
export function convertToOpenAIEmbeddingBodies(request: EmbeddingRequest, model: string, extraBody: JsonRecord): JsonRecord[] {
  const bodies: JsonRecord[] = [];
  for (let start = 0; start < request.input.length; start += OPENAI_EMBEDDING_BATCH_MAX) {
    bodies.push(
      convertToOpenAIEmbeddingBody({ ...request, input: request.input.slice(start, start + OPENAI_EMBEDDING_BATCH_MAX) }, model, extraBody),
    );
  }
  return bodies;
}

/** `texts 2048–4095 of 5000`: which texts batch `index` carried, by 0-based input index. */
export function openAIEmbeddingBatchLabel(index: number, inputCount: number): string {
  const first = index * OPENAI_EMBEDDING_BATCH_MAX;
  const last = Math.min(first + OPENAI_EMBEDDING_BATCH_MAX, inputCount) - 1;
  return first === last ? `text ${first} of ${inputCount}` : `texts ${first}–${last} of ${inputCount}`;
}

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

/**
 * The batches' answers joined in input order: each batch checked against its own text count,
 * usage summed (present when every batch reports it), `model` from the first batch that has one.
 */
export function parseOpenAIEmbeddingBatches(bodies: readonly unknown[], inputCount: number): EmbeddingResponse {
  const parsed = bodies.map((body, index) =>
    parseOpenAIEmbeddingResponse(body, Math.min(OPENAI_EMBEDDING_BATCH_MAX, inputCount - index * OPENAI_EMBEDDING_BATCH_MAX)),
  );
  if (parsed.length === 1) return parsed[0];
  const response: EmbeddingResponse = { data: parsed.flatMap((p) => p.data).map((item, index) => ({ index, embedding: item.embedding })) };
  if (parsed.every((p) => p.usage !== undefined)) {
    response.usage = {
      prompt_tokens: parsed.reduce((sum, p) => sum + p.usage!.prompt_tokens, 0),
      total_tokens: parsed.reduce((sum, p) => sum + p.usage!.total_tokens, 0),
    };
  }
  const model = parsed.find((p) => p.model !== undefined)?.model;
  if (model !== undefined) response.model = model;
  return response;
}
