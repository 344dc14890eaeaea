// Shared by the OpenAI and Bedrock embedding parsers: vectors arrive as number arrays or (OpenAI
// `encoding_format: "base64"`) as base64 of little-endian float32.
import { ModelAPIError } from '../core/errors.ts';
import type { ErrorSubject } from './failure-classification.ts';

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
