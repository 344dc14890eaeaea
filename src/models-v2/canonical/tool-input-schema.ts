// The input schema Anthropic (`input_schema`) and Bedrock (`inputSchema.json`) need: a JSON schema
// of top-level type "object" (Anthropic's InputSchema requires `type: "object"`; Converse's
// ToolInputSchema documents it). OpenAI takes `parameters: {}`, so a missing `type` is added.
import type { ToolDefinition } from '../../core/types.ts';
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

export function objectInputSchema(tool: ToolDefinition, subject: ErrorSubject): Record<string, unknown> {
  const parameters = tool.function.parameters;
  if (parameters === undefined) return { type: 'object', properties: {} };
  if (!Object.hasOwn(parameters, 'type')) return { type: 'object', ...parameters };
  if (parameters.type === 'object') return parameters;
  throw badRequest(
    subject,
    `tool '${tool.function.name}' declares parameters of type ${JSON.stringify(parameters.type)}, but a tool input schema must be of type "object"`,
    'Give the tool parameters as a JSON schema with "type": "object" and the arguments under "properties".',
  );
}
