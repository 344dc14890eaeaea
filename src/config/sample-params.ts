// Turns configured inference parameters into request fields. Distributions are sampled on every
// call (each correction turn included), which is what makes them useful for data diversity.
import type { ChatRequest, EmbeddingRequest } from '../core/types.ts';
import type { ChatInferenceParams, Distribution, EmbeddingInferenceParams } from './schemas.ts';

export function sampleDistribution(distribution: Distribution, random: () => number): number {
  if (distribution.distributionType === 'uniform') {
    const { low, high } = distribution.params;
    return low + (high - low) * random();
  }
  const { values, weights } = distribution.params;
  if (!weights) return values[Math.min(values.length - 1, Math.floor(random() * values.length))];
  let draw = random();
  for (let i = 0; i < values.length; i++) {
    draw -= weights[i];
    if (draw < 0) return values[i];
  }
  return values[values.length - 1];
}

function resolveValue(value: number | Distribution | undefined, random: () => number): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : sampleDistribution(value, random);
}

export type SampledChatParams = Pick<ChatRequest, 'temperature' | 'top_p' | 'max_tokens' | 'timeout_ms' | 'extra_body'>;

export function sampleChatParams(params: ChatInferenceParams, random: () => number = Math.random): SampledChatParams {
  const out: SampledChatParams = {};
  const temperature = resolveValue(params.temperature, random);
  if (temperature !== undefined) out.temperature = temperature;
  const topP = resolveValue(params.topP, random);
  if (topP !== undefined) out.top_p = topP;
  if (params.maxTokens !== undefined) out.max_tokens = params.maxTokens;
  if (params.timeoutSeconds !== undefined) out.timeout_ms = params.timeoutSeconds * 1000;
  if (params.extraBody && Object.keys(params.extraBody).length) out.extra_body = { ...params.extraBody };
  return out;
}

export type EmbeddingParams = Pick<EmbeddingRequest, 'encoding_format' | 'dimensions' | 'timeout_ms' | 'extra_body'>;

export function embeddingParams(params: EmbeddingInferenceParams): EmbeddingParams {
  const out: EmbeddingParams = { encoding_format: params.encodingFormat };
  if (params.dimensions !== undefined) out.dimensions = params.dimensions;
  if (params.timeoutSeconds !== undefined) out.timeout_ms = params.timeoutSeconds * 1000;
  if (params.extraBody && Object.keys(params.extraBody).length) out.extra_body = { ...params.extraBody };
  return out;
}
