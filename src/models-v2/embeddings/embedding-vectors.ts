// Shared by the OpenAI and Bedrock embedding parsers: vectors arrive as number arrays or (OpenAI
// `encoding_format: "base64"`) as base64 of little-endian float32.
import { ModelAPIError } from '../../core/errors.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

/** Undefined when the bytes are not whole float32 values (a cut or corrupted vector). */
export function decodeFloat32Base64(encoded: string): number[] | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  // Decoding only the whole floats would return a silently shortened vector.
  if (bytes.byteLength % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = new Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i += 1) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function vectorOf(raw: unknown): number[] | undefined {
  if (typeof raw === 'string') return decodeFloat32Base64(raw);
  if (Array.isArray(raw) && raw.every((value) => typeof value === 'number')) return raw as number[];
  return undefined;
}

export function checkVectorCount(got: number, expected: number, subject: ErrorSubject): void {
  if (got === expected) return;
  throw new ModelAPIError({
    ...subject,
    causeText: `{subject} returned ${got} embeddings for ${expected} input texts`,
    solution: 'Retry; if it persists, check that the model is an embedding model and accepts batched input.',
  });
}

/**
 * The vector size a request body asked for: `dimensions` (OpenAI, Titan) or `output_dimension`
 * (Cohere), canonical or set by `extra_body`; undefined unless it is a positive integer.
 */
export function requestedSize(body: Record<string, unknown> | undefined, field: string): number | undefined {
  const size = body?.[field];
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
}

/**
 * Answers the canonical response cannot stand for (docs/engine-rules.md, "Responses the canonical
 * type cannot represent"): a vector with no numbers, or of another length than the size asked for.
 */
export function checkVectorSizes(vectors: readonly (readonly number[])[], size: number | undefined, subject: ErrorSubject): void {
  for (const [index, vector] of vectors.entries()) {
    let problem: string | undefined;
    if (vector.length === 0) problem = 'an empty vector';
    else if (size !== undefined && vector.length !== size) {
      problem = `a vector of ${vector.length} numbers where ${size} dimensions were asked for`;
    }
    if (problem === undefined) continue;
    throw new ModelAPIError({
      ...subject,
      causeText: `{subject} returned ${problem} (embedding ${index})`,
      solution: 'Retry; if it persists, check that the model supports the requested dimensions.',
    });
  }
}
