// Which Bedrock embedding models take the canonical `dimensions`, and under which key (Bedrock
// user guide, model parameters): Titan Text Embeddings v2 `dimensions`, Cohere Embed v4
// `output_dimension`. Titan Text v1 (only `inputText`), Titan Multimodal and Cohere Embed v3
// have none: dropping the value would silently return vectors of another size, so it is refused.
import { badRequest } from '../canonical/request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

const FIELD_BY_MODEL: ReadonlyArray<readonly [idPart: string, field: string]> = [
  ['amazon.titan-embed-text-v2', 'dimensions'],
  ['cohere.embed-v4', 'output_dimension'],
];

export function dimensionsFields(modelId: string, dimensions: number | undefined, subject: ErrorSubject): Record<string, number> {
  if (dimensions === undefined) return {};
  const entry = FIELD_BY_MODEL.find(([idPart]) => modelId.includes(idPart));
  if (entry === undefined) {
    throw badRequest(
      subject,
      `dimensions ${dimensions} was given, but Bedrock embedding model '${modelId}' takes no output dimensions`,
      'Leave `dimensions` unset for this model, or use amazon.titan-embed-text-v2:0 or cohere.embed-v4:0, which take it.',
    );
  }
  return { [entry[1]]: dimensions };
}
