// Canonical chat request → Bedrock Converse input (docs/contract.md "Provider translation", docs/engine-rules.md). The SDK
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
  ToolResultContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { ModelUnsupportedCapabilityError } from '../../core/errors.ts';
import { BEDROCK_TOOL_NAME, BEDROCK_TOOL_NAME_RULE } from '../../core/provider-constraints.ts';
import type {
  AssistantMessage,
  CacheControl,
  ChatMessage,
  ChatRequest,
  SystemMessage,
  TextPart,
  ToolChoice,
  ToolMessage,
  UserContentPart,
} from '../../core/types.ts';
import { contentText, parseToolArguments } from '../canonical/canonical-request-checks.ts';
import { badRequest } from '../canonical/request-error.ts';
import { parseDataUri } from '../canonical/data-uri.ts';
import { pushTurn } from './turn-merge.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { acceptedImageMediaType } from '../canonical/inline-image-media-type.ts';
import { structuredOutputOf } from '../canonical/json-schema-output.ts';
import { anyCacheControl, cacheControlOf } from '../canonical/part-cache-control.ts';
import { objectInputSchema } from '../canonical/tool-input-schema.ts';
import { assertToolNames } from '../canonical/tool-name-rules.ts';
import { assertHistoryToolNames, isBlank } from '../canonical/canonical-request-contract.ts';
import { RequestToolUseIds, type TurnToolIds } from '../canonical/wire-tool-use-id.ts';

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
  // ImageFormat is the subtype of an accepted media type (image/jpg → "jpeg").
  const format = acceptedImageMediaType(inline.mediaType, subject, 'Bedrock Converse').slice('image/'.length);
  return { image: { format: format as ImageFormat, source: { bytes: Buffer.from(inline.base64, 'base64') } } };
}

// A part's cache_control becomes a cachePoint block right after the part's own block.
function cachePointBlock(cacheControl: CacheControl): { cachePoint: { type: 'default'; ttl?: '5m' | '1h' } } {
  return { cachePoint: { type: 'default', ...(cacheControl.ttl !== undefined ? { ttl: cacheControl.ttl } : {}) } };
}

function partBlocks(parts: (TextPart | UserContentPart)[], subject: ErrorSubject): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      const cacheControl = cacheControlOf(part, subject);
      // Converse refuses blank text: the part is left out with its cache point.
      if (isBlank(part.text)) continue;
      blocks.push({ text: part.text });
      if (cacheControl) blocks.push(cachePointBlock(cacheControl) as ContentBlock);
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url, subject));
    }
  }
  return blocks;
}

// A user message left without non-blank text or an image is refused, naming it (Converse would 400).
function userContent(content: string | UserContentPart[], index: number, subject: ErrorSubject): ContentBlock[] {
  const blocks = typeof content === 'string' ? (isBlank(content) ? [] : [{ text: content }]) : partBlocks(content, subject);
  if (blocks.length === 0) {
    throw badRequest(
      subject,
      `message ${index} (user) has no non-blank text or image (Bedrock Converse refuses blank text)`,
      `Give message ${index} some text (or an image), or remove it from the conversation.`,
    );
  }
  return blocks;
}

// One text block, or one block per part when the result carries images. Converse has no cache
// point inside a tool-result turn (ToolResultContentBlock has none; the turn takes only
// toolResult blocks), so a breakpoint on a tool part is refused, never dropped.
function toolResultContent(content: ToolMessage['content'], subject: ErrorSubject): ToolResultContentBlock[] {
  if (anyCacheControl(content)) {
    throw new ModelUnsupportedCapabilityError({
      ...subject,
      causeText: '{subject} (Bedrock Converse) cannot place a cache point inside a tool result (cache_control on a tool message part)',
      solution: 'Put cache_control on a part of the next user or assistant message instead.',
    });
  }
  if (typeof content !== 'string' && content.some((part) => part.type === 'image_url'))
    return partBlocks(content, subject) as ToolResultContentBlock[];
  // Blank parts are left out of the joined text, as from blocks (engine-rules, Blank text).
  const parts = typeof content === 'string' ? content : (content as TextPart[]).filter((part) => !isBlank(part.text));
  return [{ text: contentText(parts, '\n') }];
}

// System text is a NonEmptyString: an empty system message sends no block.
function systemContent(message: SystemMessage, subject: ErrorSubject): SystemContentBlock[] {
  const { content } = message;
  const text =
    typeof content === 'string'
      ? content
      : contentText(
          content.filter((part) => !isBlank(part.text)),
          '\n',
        );
  if (isBlank(text)) return [];
  const marks =
    typeof message.content === 'string' ? [] : message.content.map((part) => cacheControlOf(part, subject)).filter((c) => c !== undefined);
  const last = marks[marks.length - 1];
  return last ? [{ text }, cachePointBlock(last) as SystemContentBlock] : [{ text }];
}

function assistantContent(message: AssistantMessage, subject: ErrorSubject, ids: RequestToolUseIds): ContentBlock[] {
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
    if (!isBlank(message.content)) blocks.push({ text: message.content });
  } else if (Array.isArray(message.content)) {
    blocks.push(...partBlocks(message.content, subject));
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      toolUse: { toolUseId: ids.forCall(call.id), name: call.function.name, input: parseToolArguments(call, subject) as DocumentValue },
    });
  }
  return blocks;
}

function toolResults(messages: [ToolMessage, number][], subject: ErrorSubject, ids: RequestToolUseIds): Message {
  return {
    role: 'user',
    content: messages.map(([message, index]) => ({
      toolResult: { toolUseId: ids.forResult(message.tool_call_id, index), content: toolResultContent(message.content, subject) },
    })),
  };
}

function turnToolIds(turn: Message): TurnToolIds {
  const blocks = turn.content ?? [];
  return {
    uses: blocks.flatMap((block) => (block.toolUse?.toolUseId !== undefined ? [block.toolUse.toolUseId] : [])),
    results: blocks.flatMap((block) => (block.toolResult?.toolUseId !== undefined ? [block.toolResult.toolUseId] : [])),
  };
}

function translateMessages(messages: ChatMessage[], subject: ErrorSubject): Message[] {
  const out: Message[] = [];
  const ids = new RequestToolUseIds('bedrock');
  let pending: [ToolMessage, number][] = [];
  let pendingIndex = 0;
  const flush = (): void => {
    if (pending.length > 0) pushTurn(out, toolResults(pending, subject, ids), pendingIndex, subject);
    pending = [];
  };
  messages.forEach((message, index) => {
    if (message.role === 'tool') {
      if (pending.length === 0) pendingIndex = index;
      pending.push([message, index]);
      return;
    }
    flush();
    if (message.role === 'system') return;
    if (message.role === 'user') pushTurn(out, { role: 'user', content: userContent(message.content, index, subject) }, index, subject);
    else {
      // Converse refuses a message with empty content: an empty assistant turn is left out.
      ids.assistantMessage(index);
      const content = assistantContent(message, subject, ids);
      if (content.length > 0) pushTurn(out, { role: 'assistant', content }, index, subject);
    }
  });
  flush();
  ids.assertTurnsPaired(out.map(turnToolIds), subject);
  return out;
}

function toolChoiceOf(choice: ToolChoice | undefined): BedrockToolChoice | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
}

function hasToolHistory(messages: ChatMessage[]): boolean {
  return messages.some((message) => message.role === 'tool' || (message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0));
}

/** `extraBody` is the already-merged extra body; Bedrock takes it as model-specific fields. */
export function toBedrockConverseInput(
  request: ChatRequest,
  extraBody: Record<string, unknown>,
  subject: ErrorSubject,
): ConverseCommandInput {
  assertToolNames(request.tools, BEDROCK_TOOL_NAME, BEDROCK_TOOL_NAME_RULE, subject);
  assertHistoryToolNames(request, BEDROCK_TOOL_NAME, BEDROCK_TOOL_NAME_RULE, subject);
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
    .filter((message): message is SystemMessage => message.role === 'system')
    .flatMap((message) => systemContent(message, subject));
  if (system.length > 0) input.system = system;
  const inference: InferenceConfiguration = {};
  if (request.max_tokens !== undefined) inference.maxTokens = request.max_tokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.top_p !== undefined) inference.topP = request.top_p;
  // Stop sequences are NonEmptyStrings: "" is left out, and an empty list is not sent.
  const stops =
    request.stop === undefined ? [] : (Array.isArray(request.stop) ? request.stop : [request.stop]).filter((stop) => stop !== '');
  if (stops.length > 0) inference.stopSequences = stops;
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;
  if (tools.length > 0) {
    const specs: Tool[] = tools.map((tool) => ({
      toolSpec: {
        name: tool.function.name,
        // Converse's description is a NonEmptyString: "" is left out, as if not given.
        ...(tool.function.description ? { description: tool.function.description } : {}),
        inputSchema: { json: objectInputSchema(tool, subject) as DocumentValue },
        // ToolSpecification.strict is part of the Converse definition: a boolean is carried as given.
        ...(typeof tool.function.strict === 'boolean' ? { strict: tool.function.strict } : {}),
      },
    }));
    const toolChoice = toolChoiceOf(request.tool_choice);
    input.toolConfig = { tools: specs, ...(toolChoice ? { toolChoice } : {}) };
  }
  // json_schema → outputConfig.textFormat, the schema as a JSON string; other formats have no field.
  const structured = structuredOutputOf(request.response_format, subject);
  if (structured) {
    input.outputConfig = {
      textFormat: {
        type: 'json_schema',
        structure: {
          jsonSchema: {
            schema: JSON.stringify(structured.schema),
            ...(structured.name !== undefined ? { name: structured.name } : {}),
            ...(structured.description !== undefined ? { description: structured.description } : {}),
          },
        },
      },
    };
  }
  if (Object.keys(extraBody).length > 0) input.additionalModelRequestFields = extraBody as DocumentValue;
  return input;
}
