// Canonical chat request → Bedrock Converse input (SPEC §5, docs/engine-rules.md). The SDK
// serialises blobs (image bytes, redacted reasoning) to base64 itself, so they are handed over
// as bytes here.
import type {
  ContentBlock,
  ConverseCommandInput,
  ImageFormat,
  InferenceConfiguration,
  Message,
  SystemContentBlock,
  Tool,
  ToolChoice as BedrockToolChoice,
} from '@aws-sdk/client-bedrock-runtime';
import { ModelUnsupportedCapabilityError } from '../core/errors.ts';
import type { AssistantMessage, ChatMessage, ChatRequest, ToolChoice, ToolMessage, UserContentPart } from '../core/types.ts';
import { badRequest, contentText, parseToolArguments } from './canonical-request-checks.ts';
import { parseDataUri } from './data-uri.ts';
import { pushTurn } from './bedrock-turn-merge.ts';
import type { ErrorSubject } from './failure-classification.ts';
import { objectInputSchema } from './tool-input-schema.ts';
import { bedrockToolUseId } from './wire-tool-use-id.ts';

type DocumentValue = NonNullable<ConverseCommandInput['additionalModelRequestFields']>;

function imageBlock(url: string, subject: ErrorSubject): ContentBlock {
  const inline = parseDataUri(url);
  if (!inline) {
    throw new ModelUnsupportedCapabilityError({
      ...subject,
      causeText: '{subject} (Bedrock Converse) accepts images only as inline bytes, not by URL',
      solution: 'Download the image and pass it as a data URI (data:image/png;base64,...).',
    });
  }
  const format = inline.mediaType.split('/')[1] ?? inline.mediaType;
  return { image: { format: format as ImageFormat, source: { bytes: Buffer.from(inline.base64, 'base64') } } };
}

function userContent(content: string | UserContentPart[], subject: ErrorSubject): ContentBlock[] {
  if (typeof content === 'string') return [{ text: content }];
  const blocks: ContentBlock[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ text: part.text });
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url, subject));
    }
  }
  return blocks;
}

function assistantContent(message: AssistantMessage, subject: ErrorSubject): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const block of message.thinking_blocks ?? []) {
    if (block.type === 'thinking') {
      blocks.push({
        reasoningContent: {
          reasoningText: { text: block.thinking, ...(block.signature !== undefined ? { signature: block.signature } : {}) },
        },
      });
    } else {
      blocks.push({ reasoningContent: { redactedContent: Buffer.from(block.data, 'base64') } });
    }
  }
  if (typeof message.content === 'string') {
    if (message.content !== '') blocks.push({ text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) if (part.type === 'text' && part.text !== '') blocks.push({ text: part.text });
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      toolUse: { toolUseId: bedrockToolUseId(call.id), name: call.function.name, input: parseToolArguments(call, subject) as DocumentValue },
    });
  }
  return blocks;
}

function toolResults(messages: ToolMessage[]): Message {
  return {
    role: 'user',
    content: messages.map((message) => ({
      toolResult: { toolUseId: bedrockToolUseId(message.tool_call_id), content: [{ text: contentText(message.content, '\n') }] },
    })),
  };
}

function translateMessages(messages: ChatMessage[], subject: ErrorSubject): Message[] {
  const out: Message[] = [];
  let pending: ToolMessage[] = [];
  let pendingIndex = 0;
  const flush = (): void => {
    if (pending.length > 0) pushTurn(out, toolResults(pending), pendingIndex, subject);
    pending = [];
  };
  messages.forEach((message, index) => {
    if (message.role === 'tool') {
      if (pending.length === 0) pendingIndex = index;
      pending.push(message);
      return;
    }
    flush();
    if (message.role === 'system') return;
    if (message.role === 'user') pushTurn(out, { role: 'user', content: userContent(message.content, subject) }, index, subject);
    else pushTurn(out, { role: 'assistant', content: assistantContent(message, subject) }, index, subject);
  });
  flush();
  return out;
}

function toolChoiceOf(choice: ToolChoice | undefined): BedrockToolChoice | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
}

function hasToolHistory(messages: ChatMessage[]): boolean {
  return messages.some(
    (message) => message.role === 'tool' || (message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0),
  );
}

/** `extraBody` is the already-merged extra body; Bedrock takes it as model-specific fields. */
export function toBedrockConverseInput(
  request: ChatRequest,
  extraBody: Record<string, unknown>,
  subject: ErrorSubject,
): ConverseCommandInput {
  const tools = request.tools ?? [];
  if (tools.length === 0 && hasToolHistory(request.messages)) {
    throw badRequest(
      subject,
      'the conversation holds tool calls or tool results but the request defines no tools (Bedrock requires toolConfig then)',
      'Pass the tool definitions on every request of a conversation that used tools.',
    );
  }
  const input: ConverseCommandInput = {
    modelId: request.model,
    messages: translateMessages(request.messages, subject),
  };
  const system: SystemContentBlock[] = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => ({ text: contentText(message.content, '\n') }));
  if (system.length > 0) input.system = system;
  const inference: InferenceConfiguration = {};
  if (request.max_tokens !== undefined) inference.maxTokens = request.max_tokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.top_p !== undefined) inference.topP = request.top_p;
  if (request.stop !== undefined) inference.stopSequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;
  if (tools.length > 0) {
    const specs: Tool[] = tools.map((tool) => ({
      toolSpec: {
        name: tool.function.name,
        // Converse's description is a NonEmptyString: "" is left out, as if not given.
        ...(tool.function.description ? { description: tool.function.description } : {}),
        inputSchema: { json: objectInputSchema(tool, subject) as DocumentValue },
      },
    }));
    const toolChoice = toolChoiceOf(request.tool_choice);
    input.toolConfig = { tools: specs, ...(toolChoice ? { toolChoice } : {}) };
  }
  if (Object.keys(extraBody).length > 0) input.additionalModelRequestFields = extraBody as DocumentValue;
  return input;
}
