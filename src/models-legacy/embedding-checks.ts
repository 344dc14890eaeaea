import { ResponseShapeError } from './response-shape-error.ts';

export function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

export function checkEmbeddingCount(received: number, expected: number): void {
  if (received !== expected) {
    throw new ResponseShapeError(`${received} embeddings for ${expected} input texts`);
  }
}
