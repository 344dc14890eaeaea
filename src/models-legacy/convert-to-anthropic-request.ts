import type { ChatRequest, ToolChoice, ToolDefinition } from '../core/types.ts';
import type { JsonRecord } from './json-guards.ts';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.ts';
import { toolInputSchema } from './tool-input-schema.ts';

// Anthropic requires max_tokens on every request; this is the documented default of the layer.
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

function convertTool(tool: ToolDefinition): JsonRecord {
  const out: JsonRecord = { name: tool.function.name };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  out.input_schema = toolInputSchema(tool);
  return out;
}

function convertToolChoice(choice: ToolChoice): JsonRecord {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

/** `response_format`, `seed`, `n` and the penalties have no Anthropic equivalent and are not sent. */
export function convertToAnthropicRequest(request: ChatRequest, model: string, extraBody: JsonRecord): JsonRecord {
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const body: JsonRecord = { model, max_tokens: request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS, messages };
  if (system !== undefined) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(convertTool);
  if (request.tool_choice !== undefined) body.tool_choice = convertToolChoice(request.tool_choice);
  return { ...body, ...extraBody };
}
