import type { ToolDefinition } from '../../core/types.ts';
import type { JsonRecord } from './json-value.ts';
import { badRequest } from './request-input-error.ts';

// Anthropic's `input_schema` and Bedrock's `inputSchema.json` must be a JSON schema whose top-level
// `type` is "object" (Anthropic's OpenAPI InputSchema requires it; the Converse ToolInputSchema
// documents it). OpenAI accepts `parameters: {}`, so a schema without `type` gets it added.
const EMPTY_SCHEMA: JsonRecord = { type: 'object', properties: {} };

export function toolInputSchema(tool: ToolDefinition): JsonRecord {
  const parameters = tool.function.parameters;
  if (parameters === undefined) return EMPTY_SCHEMA;
  if (!('type' in parameters)) return { type: 'object', ...parameters };
  if (parameters.type !== 'object') {
    throw badRequest(
      `Tool '${tool.function.name}' has parameters of type ${JSON.stringify(parameters.type)}; a tool's input schema must be of type "object"`,
      'Describe tool parameters as a JSON schema with "type": "object" and the arguments under "properties".',
    );
  }
  return parameters;
}
