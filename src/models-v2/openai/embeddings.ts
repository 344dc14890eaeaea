// Canonical embedding request ↔ OpenAI `/embeddings`. The SDK's `embeddings.create` silently sends
// `encoding_format: "base64"` when none was asked for, which changes the wire body; the adapter
// posts this body as it is and decodes base64 itself.
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import { OPENAI_EMBEDDING_BATCH_MAX } from '../../core/provider-constraints.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { checkVectorCount, vectorOf } from '../embeddings/embedding-vectors.ts';
import { type ErrorSubject, malformedResponseError } from '../retry/failure-classification.ts';
import { isRecord } from '../canonical/json-value.ts';

export type OpenAIEmbeddingBody = EmbeddingCreateParams & Record<string, unknown>;

export function toOpenAIEmbeddingBody(request: EmbeddingRequest, extraBody: Record<string, unknown>): OpenAIEmbeddingBody {
  const body: Record<string, unknown> = { model: request.model, input: request.input };
  if (request.encoding_format !== undefined) body.encoding_format = request.encoding_format;
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  Object.assign(body, extraBody);
  return body as OpenAIEmbeddingBody;
}

export function fromOpenAIEmbeddingResponse(raw: unknown, inputCount: number, subject: ErrorSubject): EmbeddingResponse {
  if (!isRecord(raw) || !Array.isArray(raw.data)) throw malformedResponseError(subject, 'embedding response');
  const response = raw as Partial<CreateEmbeddingResponse> & Record<string, unknown>;
  const items = (raw.data as unknown[]).map((item, position) => {
    const record = isRecord(item) ? item : {};
    const embedding = vectorOf(record.embedding);
    if (!embedding) throw malformedResponseError(subject, 'embedding response');
    return { order: typeof record.index === 'number' ? record.index : position, embedding };
  });
  items.sort((a, b) => a.order - b.order);
  checkVectorCount(items.length, inputCount, subject);
  const out: EmbeddingResponse = { data: items.map((item, index) => ({ index, embedding: item.embedding })) };
  if (isRecord(response.usage)) {
    const prompt = typeof response.usage.prompt_tokens === 'number' ? response.usage.prompt_tokens : 0;
    const total = typeof response.usage.total_tokens === 'number' ? response.usage.total_tokens : prompt;
    out.usage = { prompt_tokens: prompt, total_tokens: total };
  }
  if (typeof response.model === 'string') out.model = response.model;
  return out;
}

/**
 * The API takes at most 2,048 inputs per request: a longer input list is split into batches of
 * 2,048 in input order (one batch, the request itself, when it fits).
 */
export function openAIEmbeddingBatches(request: EmbeddingRequest): EmbeddingRequest[] {
  if (request.input.length <= OPENAI_EMBEDDING_BATCH_MAX) return [request];
  const batches: EmbeddingRequest[] = [];
  for (let start = 0; start < request.input.length; start += OPENAI_EMBEDDING_BATCH_MAX) {
    batches.push({ ...request, input: request.input.slice(start, start + OPENAI_EMBEDDING_BATCH_MAX) });
  }
  return batches;
}

/** `texts 2048–4095 of 5000`: the input indexes batch `index` carried. */
export function openAIBatchLabel(index: number, inputCount: number): string {
  const first = index * OPENAI_EMBEDDING_BATCH_MAX;
  const last = Math.min(first + OPENAI_EMBEDDING_BATCH_MAX, inputCount) - 1;
  return first === last ? `text ${first} of ${inputCount}` : `texts ${first}–${last} of ${inputCount}`;
}

/** Batches in input order, re-indexed; usage summed when every batch has it; the first `model`. */
export function joinEmbeddingBatches(parts: EmbeddingResponse[]): EmbeddingResponse {
  if (parts.length === 1) return parts[0];
  const out: EmbeddingResponse = { data: parts.flatMap((part) => part.data).map((item, index) => ({ index, embedding: item.embedding })) };
  if (parts.every((part) => part.usage)) {
    out.usage = parts.reduce(
      (sum, part) => ({
        prompt_tokens: sum.prompt_tokens + part.usage!.prompt_tokens,
        total_tokens: sum.total_tokens + part.usage!.total_tokens,
      }),
      { prompt_tokens: 0, total_tokens: 0 },
    );
  }
  const model = parts.find((part) => part.model !== undefined)?.model;
  if (model !== undefined) out.model = model;
  return out;
}
