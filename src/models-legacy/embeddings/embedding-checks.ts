import { ResponseShapeError } from '../transport/response-shape-error.ts';

export function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

export function checkEmbeddingCount(received: number, expected: number): void {
  if (received !== expected) {
    throw new ResponseShapeError(`${received} embeddings for ${expected} input texts`);
  }
}

/**
 * The vector size a request body asked for (`dimensions`, or Cohere's `output_dimension`, from the
 * canonical field or the `extra_body` key that replaced it); undefined unless a positive integer.
 */
export function askedDimensions(body: Record<string, unknown> | undefined, field: string): number | undefined {
  const value = body?.[field];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Vectors the canonical response cannot stand for (docs/engine-rules.md, "Responses the canonical
 * type cannot represent"): an empty vector, or one of another length than the dimensions asked for.
 */
export function checkEmbeddingVectors(vectors: readonly (readonly number[])[], dimensions: number | undefined): void {
  vectors.forEach((vector, index) => {
    if (vector.length === 0) throw new ResponseShapeError(`an empty embedding (vector ${index}, no numbers)`);
    if (dimensions !== undefined && vector.length !== dimensions) {
      const size = `${vector.length} numbers where ${dimensions} dimensions were asked for`;
      throw new ResponseShapeError(`an embedding of ${size} (vector ${index})`);
    }
  });
}
