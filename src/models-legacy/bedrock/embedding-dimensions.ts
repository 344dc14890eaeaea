import type { JsonRecord } from '../canonical/json-value.ts';
import { badRequest } from '../canonical/request-input-error.ts';

// Where a Bedrock embedding model takes the canonical `dimensions` (Bedrock user guide, model
// parameters): Titan Text v2 as `dimensions`, Cohere Embed v4 as `output_dimension`. Titan Text
// v1 (only `inputText`), Titan Multimodal and Cohere Embed v3 have no such field; silently
// dropping it would return vectors of another size than asked, so the request is refused.
const DIMENSION_FIELDS: readonly { idPart: string; field: string }[] = [
  { idPart: 'amazon.titan-embed-text-v2', field: 'dimensions' },
  { idPart: 'cohere.embed-v4', field: 'output_dimension' },
];

/** `{[field]: dimensions}` for this model, `{}` when none was asked for. */
export function bedrockDimensionsField(modelId: string, dimensions: number | undefined): JsonRecord {
  if (dimensions === undefined) return {};
  const match = DIMENSION_FIELDS.find((entry) => modelId.includes(entry.idPart));
  if (!match) {
    throw badRequest(
      `Bedrock embedding model '${modelId}' takes no output dimensions, but dimensions ${dimensions} was given`,
      'Leave `dimensions` unset for this model, or use amazon.titan-embed-text-v2:0 or cohere.embed-v4:0, which take it.',
    );
  }
  return { [match.field]: dimensions };
}
