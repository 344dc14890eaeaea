import { isRecord } from './json-value.ts';
import { badRequest } from './request-input-error.ts';

export interface JsonSchemaOutput {
  name?: string;
  description?: string;
  schema: Record<string, unknown>;
}

/**
 * The schema of an OpenAI-style `response_format: {type: "json_schema", json_schema: {...}}`, for
 * providers with their own structured-output field (Anthropic `output_config.format`, Bedrock
 * `outputConfig.textFormat`). Other formats have no such field and give `undefined`.
 */
export function jsonSchemaOutput(responseFormat: Record<string, unknown> | undefined, providerLabel: string): JsonSchemaOutput | undefined {
  if (!isRecord(responseFormat) || responseFormat.type !== 'json_schema') return undefined;
  const spec = responseFormat.json_schema;
  if (!isRecord(spec) || !isRecord(spec.schema)) {
    throw badRequest(
      `response_format is json_schema without a json_schema.schema object, which ${providerLabel} needs`,
      'Pass response_format as {"type": "json_schema", "json_schema": {"name": "...", "schema": {...}}}.',
    );
  }
  const out: JsonSchemaOutput = { schema: spec.schema };
  if (typeof spec.name === 'string' && spec.name !== '') out.name = spec.name;
  if (typeof spec.description === 'string' && spec.description !== '') out.description = spec.description;
  return out;
}
