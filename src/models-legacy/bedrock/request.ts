import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/types.ts';
import type { JsonRecord } from '../canonical/json-value.ts';
import { BEDROCK_TOOL_NAME, BEDROCK_TOOL_NAME_RULE } from '../../core/provider-constraints.ts';
import { checkToolNames } from '../canonical/tool-name-rules.ts';
import { checkHistoryToolNames, refuseUntakeableParts } from '../canonical/canonical-request-contract.ts';
import { convertToBedrockMessages } from './messages.ts';
import { jsonSchemaOutput } from '../canonical/json-schema-output.ts';
import { badRequest } from '../canonical/request-input-error.ts';
import { toolInputSchema } from '../canonical/tool-input-schema.ts';

function convertTool(tool: ToolDefinition): JsonRecord {
  const toolSpec: JsonRecord = { name: tool.function.name };
  // Converse's description is a NonEmptyString: an empty one is left out, as if not given.
  if (tool.function.description !== undefined && tool.function.description !== '') toolSpec.description = tool.function.description;
  toolSpec.inputSchema = { json: toolInputSchema(tool) };
  // ToolSpecification.strict is in the Converse definition: carried as given.
  if (typeof tool.function.strict === 'boolean') toolSpec.strict = tool.function.strict;
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
  checkToolNames(request.tools, BEDROCK_TOOL_NAME, BEDROCK_TOOL_NAME_RULE, 'Bedrock Converse');
  checkHistoryToolNames(request, BEDROCK_TOOL_NAME, BEDROCK_TOOL_NAME_RULE, 'Bedrock Converse');
  refuseUntakeableParts(request.messages, (_role, type) => type === 'text' || type === 'image_url', 'Bedrock Converse');
  // Judged before the messages are translated (engine-rules, "Canonical request contract", Check order).
  const hasToolHistory = request.messages.some(
    (message) => message.role === 'tool' || (message.role === 'assistant' && (message.tool_calls ?? []).length > 0),
  );
  const tools = request.tools ?? [];
  if (hasToolHistory && tools.length === 0) {
    throw badRequest(
      'The conversation holds tool calls or tool results but the request defines no tools (Bedrock Converse requires toolConfig then)',
      'Pass the same `tools` that produced the tool calls on every turn of the conversation.',
    );
  }
  const { system, messages } = convertToBedrockMessages(request.messages);
  const body: JsonRecord = { messages };
  if (system !== undefined) body.system = system;

  const inferenceConfig: JsonRecord = {};
  if (request.max_tokens !== undefined) inferenceConfig.maxTokens = request.max_tokens;
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature;
  if (request.top_p !== undefined) inferenceConfig.topP = request.top_p;
  // Each stop sequence is a NonEmptyString: "" is left out, and no list is sent when none is left.
  const stopSequences =
    request.stop === undefined ? [] : (Array.isArray(request.stop) ? request.stop : [request.stop]).filter((s) => s !== '');
  if (stopSequences.length > 0) inferenceConfig.stopSequences = stopSequences;
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;

  if (tools.length > 0) {
    const toolConfig: JsonRecord = { tools: tools.map(convertTool) };
    const toolChoice = convertToolChoice(request.tool_choice);
    if (toolChoice !== undefined) toolConfig.toolChoice = toolChoice;
    body.toolConfig = toolConfig;
  }
  // response_format json_schema → outputConfig.textFormat (the schema as a JSON string).
  const schema = jsonSchemaOutput(request.response_format, 'Bedrock Converse');
  if (schema !== undefined) {
    const jsonSchema: JsonRecord = { schema: JSON.stringify(schema.schema) };
    if (schema.name !== undefined) jsonSchema.name = schema.name;
    if (schema.description !== undefined) jsonSchema.description = schema.description;
    body.outputConfig = { textFormat: { type: 'json_schema', structure: { jsonSchema } } };
  }
  // Model-specific knobs (Claude `thinking`, gpt-oss `reasoning_effort`, `top_k`) live here.
  if (Object.keys(extraBody).length > 0) body.additionalModelRequestFields = extraBody;
  return body;
}
