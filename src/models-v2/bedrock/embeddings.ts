// Canonical embedding request ↔ Bedrock InvokeModel bodies, by model family (docs/contract.md "Provider translation",
// docs/engine-rules.md Embeddings). Titan embeds one text per request; Cohere takes a batch.
import { ModelUnsupportedCapabilityError } from '../../core/errors.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { checkVectorCount, vectorOf } from '../embeddings/embedding-vectors.ts';
import { type ErrorSubject, malformedResponseError } from '../retry/failure-classification.ts';
import { isRecord } from '../canonical/json-value.ts';

export type BedrockEmbeddingFamily = 'titan' | 'cohere';

export const COHERE_DEFAULT_INPUT_TYPE = 'search_document';
/** Texts per Cohere InvokeModel call: Bedrock rejects larger batches. */
export const COHERE_BATCH_LIMIT = 96;

export function bedrockEmbeddingFamily(modelId: string, subject: ErrorSubject): BedrockEmbeddingFamily {
  if (modelId.includes('amazon.titan-embed')) return 'titan';
  if (modelId.includes('cohere.embed')) return 'cohere';
  throw new ModelUnsupportedCapabilityError({
    ...subject,
    causeText: `{subject} (Bedrock model '${modelId}') is not a supported embedding family`,
    solution: 'Use an Amazon Titan (amazon.titan-embed-*) or Cohere (cohere.embed-*) embedding model on Bedrock.',
  });
}

/** `dimensions` comes from `dimensionsFields` (checked once, before any request). */
export function titanEmbeddingBody(
  text: string,
  dimensions: Record<string, number>,
  extraBody: Record<string, unknown>,
): Record<string, unknown> {
  return { inputText: text, ...dimensions, ...extraBody };
}

/** The texts of Titan request `index` by 0-based input index, as in `data[].index`. */
export function titanRequestLabel(index: number, inputCount: number): string {
  return `text ${index} of ${inputCount}`;
}

/** The texts of Cohere batch `index`: `texts 96–191 of 200`. */
export function cohereBatchLabel(index: number, inputCount: number): string {
  const from = index * COHERE_BATCH_LIMIT;
  const to = Math.min(inputCount, from + COHERE_BATCH_LIMIT) - 1;
  return to > from ? `texts ${from}–${to} of ${inputCount}` : `text ${from} of ${inputCount}`;
}

/** One body per batch of at most COHERE_BATCH_LIMIT texts, in input order. */
export function cohereEmbeddingBodies(
  request: EmbeddingRequest,
  dimensions: Record<string, number>,
  extraBody: Record<string, unknown>,
): Record<string, unknown>[] {
  // extra_body is never validated client-side (docs/contract.md "Provider translation"): any given `input_type`, string or not,
  // goes out as is and Bedrock judges it. Only an absent one gets the v3 default.
  const inputType = extraBody.input_type === undefined ? COHERE_DEFAULT_INPUT_TYPE : extraBody.input_type;
  const batches: Record<string, unknown>[] = [];
  for (let offset = 0; offset < request.input.length; offset += COHERE_BATCH_LIMIT) {
    batches.push({ texts: request.input.slice(offset, offset + COHERE_BATCH_LIMIT), ...dimensions, ...extraBody, input_type: inputType });
  }
  return batches;
}

/** One Titan response per input text, in input order. */
export function fromTitanResponses(raws: unknown[], subject: ErrorSubject): EmbeddingResponse {
  let tokens = 0;
  let everyHasTokens = true;
  const data = raws.map((raw, index) => {
    const embedding = isRecord(raw) ? vectorOf(raw.embedding) : undefined;
    if (!embedding || !isRecord(raw)) throw malformedResponseError(subject, 'Titan embedding response');
    if (typeof raw.inputTextTokenCount === 'number') tokens += raw.inputTextTokenCount;
    else everyHasTokens = false;
    return { index, embedding };
  });
  const response: EmbeddingResponse = { data };
  if (everyHasTokens && raws.length > 0) response.usage = { prompt_tokens: tokens, total_tokens: tokens };
  return response;
}

export interface CohereBatchResult {
  output: unknown;
  /** `x-amzn-bedrock-input-token-count`: Cohere bodies carry no usage. */
  inputTokenHeader: string | undefined;
}

/** Cohere v3 sends `embeddings: [[...]]`, v4 `embeddings: {float: [[...]]}`; batches concatenate. */
export function fromCohereResponses(batches: CohereBatchResult[], inputCount: number, subject: ErrorSubject): EmbeddingResponse {
  const data: EmbeddingResponse['data'] = [];
  let tokens = 0;
  let everyHasTokens = batches.length > 0;
  for (const { output, inputTokenHeader } of batches) {
    if (!isRecord(output)) throw malformedResponseError(subject, 'Cohere embedding response');
    const embeddings = isRecord(output.embeddings) ? output.embeddings.float : output.embeddings;
    if (!Array.isArray(embeddings)) throw malformedResponseError(subject, 'Cohere embedding response');
    for (const item of embeddings) {
      const embedding = vectorOf(item);
      if (!embedding) throw malformedResponseError(subject, 'Cohere embedding response');
      data.push({ index: data.length, embedding });
    }
    if (inputTokenHeader !== undefined && /^\d+$/.test(inputTokenHeader.trim())) tokens += Number(inputTokenHeader);
    else everyHasTokens = false;
  }
  checkVectorCount(data.length, inputCount, subject);
  const response: EmbeddingResponse = { data };
  if (everyHasTokens) response.usage = { prompt_tokens: tokens, total_tokens: tokens };
  return response;
}
