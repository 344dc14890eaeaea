import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/types.ts';
import type { JsonRecord } from '../canonical/json-value.ts';
import { ANTHROPIC_TOOL_NAME, ANTHROPIC_TOOL_NAME_RULE } from '../../core/provider-constraints.ts';
import { defaultAnthropicMaxTokens } from './max-tokens.ts';
import { checkToolNames } from '../canonical/tool-name-rules.ts';
import { checkHistoryToolNames, refuseUntakeableParts } from '../canonical/canonical-request-contract.ts';
import { convertToAnthropicMessages } from './messages.ts';
import { jsonSchemaOutput } from '../canonical/json-schema-output.ts';
import { toolInputSchema } from '../canonical/tool-input-schema.ts';

function convertTool(tool: ToolDefinition): JsonRecord {
  const out: JsonRecord = { name: tool.function.name };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  out.input_schema = toolInputSchema(tool);
  // Tool.strict is in Anthropic's definition: carried as given.
  if (typeof tool.function.strict === 'boolean') out.strict = tool.function.strict;
  return out;
}

function convertToolChoice(choice: ToolChoice): JsonRecord {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

/**
 * `seed`, `n`, the penalties and a `response_format` other than json_schema have no Anthropic
 * equivalent and are not sent; a json_schema one becomes `output_config.format`.
 */
export function convertToAnthropicRequest(request: ChatRequest, model: string, extraBody: JsonRecord): JsonRecord {
  checkToolNames(request.tools, ANTHROPIC_TOOL_NAME, ANTHROPIC_TOOL_NAME_RULE, 'Anthropic');
  checkHistoryToolNames(request, ANTHROPIC_TOOL_NAME, ANTHROPIC_TOOL_NAME_RULE, 'Anthropic');
  refuseUntakeableParts(request.messages, (_role, type) => type === 'text' || type === 'image_url', 'Anthropic');
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const body: JsonRecord = { model, max_tokens: request.max_tokens ?? defaultAnthropicMaxTokens(extraBody), messages };
  if (system !== undefined) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(convertTool);
  if (request.tool_choice !== undefined) body.tool_choice = convertToolChoice(request.tool_choice);
  const schema = jsonSchemaOutput(request.response_format, 'Anthropic');
  if (schema !== undefined) body.output_config = { format: { type: 'json_schema', schema: schema.schema } };
  return { ...body, ...extraBody };
}
