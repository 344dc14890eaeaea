import type { EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { bedrockDimensionsField } from './embedding-dimensions.ts';
import { checkEmbeddingCount, isNumberArray } from '../embeddings/embedding-checks.ts';
import { asRecord, finiteNumber, type JsonRecord } from '../canonical/json-value.ts';
import { unsupportedCapability } from '../canonical/request-input-error.ts';
import { ResponseShapeError } from '../transport/response-shape-error.ts';

export type BedrockEmbeddingFamily = 'titan' | 'cohere';

/** The id may carry a region prefix (`us.cohere.embed-v4:0`), hence `includes`. */
export function bedrockEmbeddingFamily(modelId: string): BedrockEmbeddingFamily {
  if (modelId.includes('amazon.titan-embed')) return 'titan';
  if (modelId.includes('cohere.embed')) return 'cohere';
  throw unsupportedCapability(
    `Bedrock embedding model '${modelId}' belongs to no supported family (amazon.titan-embed-*, cohere.embed-*)`,
    'Use an Amazon Titan or Cohere embedding model on Bedrock.',
  );
}

export const COHERE_DEFAULT_INPUT_TYPE = 'search_document';
/** Bedrock rejects a Cohere InvokeModel body with more texts than this. */
export const COHERE_MAX_TEXTS_PER_CALL = 96;

/**
 * Which texts InvokeModel call `index` carries, by 0-based input index as in `data[].index`:
 * `text 437 of 1000` (Titan), `texts 96–191 of 200` (Cohere).
 */
export function bedrockEmbeddingCallLabel(family: BedrockEmbeddingFamily, index: number, inputCount: number): string {
  if (family === 'titan') return `text ${index} of ${inputCount}`;
  const first = index * COHERE_MAX_TEXTS_PER_CALL;
  const last = Math.min(first + COHERE_MAX_TEXTS_PER_CALL, inputCount) - 1;
  return first === last ? `text ${first} of ${inputCount}` : `texts ${first}–${last} of ${inputCount}`;
}

/** InvokeModel bodies, one per HTTP request; results are assembled in this order. */
export function convertToBedrockEmbeddingBodies(
  family: BedrockEmbeddingFamily,
  modelId: string,
  request: EmbeddingRequest,
  extraBody: JsonRecord,
): JsonRecord[] {
  const dimensions = bedrockDimensionsField(modelId, request.dimensions);
  if (family === 'titan') {
    // Titan embeds exactly one text per call.
    return request.input.map((text) => ({ inputText: text, ...dimensions, ...extraBody }));
  }
  // A given input_type is sent as is, whatever its type (extra_body is never validated, docs/contract.md "Provider translation");
  // one set to undefined counts as absent rather than vanishing from the serialised body.
  const inputType = extraBody.input_type === undefined ? COHERE_DEFAULT_INPUT_TYPE : extraBody.input_type;
  const bodies: JsonRecord[] = [];
  for (let start = 0; start < request.input.length; start += COHERE_MAX_TEXTS_PER_CALL) {
    bodies.push({
      texts: request.input.slice(start, start + COHERE_MAX_TEXTS_PER_CALL),
      ...dimensions,
      ...extraBody,
      input_type: inputType,
    });
  }
  return bodies;
}

export interface InvokeResult {
  body: unknown;
  headers: Record<string, string>;
}

function parseTitan(results: readonly InvokeResult[], expectedCount: number): EmbeddingResponse {
  const counts: (number | undefined)[] = [];
  const data = results.map((result, index) => {
    const root = asRecord(result.body);
    if (!root || !isNumberArray(root.embedding)) {
      throw new ResponseShapeError('a Titan embedding response without an "embedding" number array');
    }
    counts.push(finiteNumber(root.inputTextTokenCount));
    return { index, embedding: root.embedding };
  });
  checkEmbeddingCount(data.length, expectedCount);
  const response: EmbeddingResponse = { data };
  if (counts.length > 0 && counts.every((c) => c !== undefined)) {
    const total = counts.reduce<number>((sum, c) => sum + (c ?? 0), 0);
    response.usage = { prompt_tokens: total, total_tokens: total };
  }
  return response;
}

function cohereVectors(result: InvokeResult): number[][] {
  const root = asRecord(result.body);
  // v3 answers `embeddings: [[...]]`; v4 answers `embeddings: {float: [[...]]}`.
  const raw = root?.embeddings;
  const vectors = Array.isArray(raw) ? raw : asRecord(raw)?.float;
  if (!Array.isArray(vectors) || !vectors.every(isNumberArray)) {
    throw new ResponseShapeError('a Cohere embedding response without float embeddings');
  }
  return vectors;
}

function cohereTokens(result: InvokeResult): number | undefined {
  // Cohere bodies carry no usage; Bedrock reports the count in a header. A count is a plain
  // non-negative integer: Number() would also read "1e2", "0x10", "-1" or "10.0", which no
  // real header carries, so anything but decimal digits means no usage rather than a guess.
  const header = result.headers['x-amzn-bedrock-input-token-count']?.trim();
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

function parseCohere(results: readonly InvokeResult[], expectedCount: number): EmbeddingResponse {
  const vectors = results.flatMap(cohereVectors);
  checkEmbeddingCount(vectors.length, expectedCount);
  const response: EmbeddingResponse = { data: vectors.map((embedding, index) => ({ index, embedding })) };
  const tokens = results.map(cohereTokens);
  if (tokens.every((t) => t !== undefined)) {
    const total = tokens.reduce<number>((sum, t) => sum + (t ?? 0), 0);
    response.usage = { prompt_tokens: total, total_tokens: total };
  }
  return response;
}

export function parseBedrockEmbeddingResults(
  family: BedrockEmbeddingFamily,
  results: readonly InvokeResult[],
  expectedCount: number,
): EmbeddingResponse {
  return family === 'titan' ? parseTitan(results, expectedCount) : parseCohere(results, expectedCount);
}
