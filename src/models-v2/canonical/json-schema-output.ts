// `response_format: {type: "json_schema", json_schema: {name, description?, schema}}` for the
// providers with a structured-output field of their own (Anthropic `output_config.format`,
// Bedrock `outputConfig.textFormat`). Other formats have no such field and give `undefined`.
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { isRecord } from './json-value.ts';

export interface StructuredOutput {
  schema: Record<string, unknown>;
  name?: string;
  description?: string;
}

export function structuredOutputOf(responseFormat: unknown, subject: ErrorSubject): StructuredOutput | undefined {
  if (!isRecord(responseFormat) || responseFormat.type !== 'json_schema') return undefined;
  const definition = responseFormat.json_schema;
  if (!isRecord(definition) || !isRecord(definition.schema)) {
    throw badRequest(
      subject,
      'response_format is json_schema but json_schema.schema is not an object',
      'Pass response_format as {"type": "json_schema", "json_schema": {"name": "...", "schema": {...}}}.',
    );
  }
  return {
    schema: definition.schema,
    ...(typeof definition.name === 'string' && definition.name !== '' ? { name: definition.name } : {}),
    ...(typeof definition.description === 'string' && definition.description !== '' ? { description: definition.description } : {}),
  };
}
