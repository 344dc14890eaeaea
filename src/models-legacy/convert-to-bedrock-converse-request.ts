import type { ChatRequest, ToolChoice, ToolDefinition } from '../core/types.ts';
import type { JsonRecord } from './json-guards.ts';
import { convertToBedrockMessages } from './convert-to-bedrock-messages.ts';
import { badRequest } from './request-input-error.ts';
import { toolInputSchema } from './tool-input-schema.ts';

function convertTool(tool: ToolDefinition): JsonRecord {
  const toolSpec: JsonRecord = { name: tool.function.name };
  // Converse's description is a NonEmptyString: an empty one is left out, as if not given.
  if (tool.function.description !== undefined && tool.function.description !== '') toolSpec.description = tool.function.description;
  toolSpec.inputSchema = { json: toolInputSchema(tool) };
  return { toolSpec };
}

// `none` has no Converse equivalent: the tools are still sent (history may need them), with no choice.
function convertToolChoice(choice: ToolChoice | undefined): JsonRecord | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
}

/** The Converse body; the model id travels in the URL path, not the body. */
export function convertToBedrockConverseRequest(request: ChatRequest, extraBody: JsonRecord): JsonRecord {
  const { system, messages, hasToolHistory } = convertToBedrockMessages(request.messages);
  const tools = request.tools ?? [];
  if (hasToolHistory && tools.length === 0) {
    throw badRequest(
      'The conversation holds tool calls or tool results but the request defines no tools (Bedrock Converse requires toolConfig then)',
      'Pass the same `tools` that produced the tool calls on every turn of the conversation.',
    );
  }
  const body: JsonRecord = { messages };
  if (system !== undefined) body.system = system;

  const inferenceConfig: JsonRecord = {};
  if (request.max_tokens !== undefined) inferenceConfig.maxTokens = request.max_tokens;
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature;
  if (request.top_p !== undefined) inferenceConfig.topP = request.top_p;
  if (request.stop !== undefined) inferenceConfig.stopSequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;

  if (tools.length > 0) {
    const toolConfig: JsonRecord = { tools: tools.map(convertTool) };
    const toolChoice = convertToolChoice(request.tool_choice);
    if (toolChoice !== undefined) toolConfig.toolChoice = toolChoice;
    body.toolConfig = toolConfig;
  }
  // Model-specific knobs (Claude `thinking`, gpt-oss `reasoning_effort`, `top_k`) live here.
  if (Object.keys(extraBody).length > 0) body.additionalModelRequestFields = extraBody;
  return body;
}
