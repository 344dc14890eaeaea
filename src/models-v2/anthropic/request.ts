// Canonical chat request → Anthropic Messages body (docs/contract.md "Provider translation", docs/engine-rules.md).
import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { ANTHROPIC_TOOL_NAME, ANTHROPIC_TOOL_NAME_RULE } from '../../core/provider-constraints.ts';
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  SystemMessage,
  TextPart,
  ThinkingBlock,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
  UserContentPart,
} from '../../core/types.ts';
import { anthropicMaxTokens } from './max-tokens.ts';
import { contentText, parseToolArguments } from '../canonical/canonical-request-checks.ts';
import { badRequest } from '../canonical/request-error.ts';
import { parseDataUri } from '../canonical/data-uri.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { acceptedImageMediaType } from '../canonical/inline-image-media-type.ts';
import { structuredOutputOf } from '../canonical/json-schema-output.ts';
import { anyCacheControl, cacheControlOf } from '../canonical/part-cache-control.ts';
import { objectInputSchema } from '../canonical/tool-input-schema.ts';
import { assertToolNames } from '../canonical/tool-name-rules.ts';
import { assertHistoryToolNames, isBlank } from '../canonical/canonical-request-contract.ts';
import { RequestToolUseIds, type TurnToolIds } from '../canonical/wire-tool-use-id.ts';

export type AnthropicMessagesBody = MessageCreateParamsNonStreaming & Record<string, unknown>;

function imageBlock(url: string, subject: ErrorSubject): ImageBlockParam {
  const inline = parseDataUri(url);
  if (inline) {
    const mediaType = acceptedImageMediaType(inline.mediaType, subject, 'Anthropic');
    return { type: 'image', source: { type: 'base64', media_type: mediaType as 'image/png', data: inline.base64 } };
  }
  return { type: 'image', source: { type: 'url', url } };
}

function textBlock(part: TextPart, subject: ErrorSubject): TextBlockParam {
  const cacheControl = cacheControlOf(part, subject);
  return cacheControl ? { type: 'text', text: part.text, cache_control: cacheControl } : { type: 'text', text: part.text };
}

// Blank (empty or whitespace-only) text blocks are refused by the API, so they are left out (with their breakpoint).
function partBlocks(parts: (TextPart | UserContentPart)[], subject: ErrorSubject): (TextBlockParam | ImageBlockParam)[] {
  const blocks: (TextBlockParam | ImageBlockParam)[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      const block = textBlock(part, subject);
      if (!isBlank(part.text)) blocks.push(block);
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url, subject));
    }
  }
  return blocks;
}

function textBlocks(content: AssistantMessage['content'], subject: ErrorSubject): TextBlockParam[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return isBlank(content) ? [] : [{ type: 'text', text: content }];
  return partBlocks(content, subject) as TextBlockParam[];
}

// The API requires the signature of a thinking block sent back: an unsigned one (from another
// provider) is left out; redacted blocks always carry their data.
function replayedThinking(blocks: ThinkingBlock[] | undefined): ContentBlockParam[] {
  const out: ContentBlockParam[] = [];
  for (const block of blocks ?? []) {
    if (block.type === 'redacted_thinking') out.push({ type: 'redacted_thinking', data: block.data });
    else if (typeof block.signature === 'string') out.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
  }
  return out;
}

/** `undefined` when the turn would be empty: the API refuses that anywhere but last, and last it says nothing. */
function assistantMessage(message: AssistantMessage, subject: ErrorSubject, ids: RequestToolUseIds): MessageParam | undefined {
  const thinking = replayedThinking(message.thinking_blocks);
  const calls = message.tool_calls ?? [];
  if (thinking.length === 0 && calls.length === 0) {
    const content =
      typeof message.content === 'string' ? (isBlank(message.content) ? '' : message.content) : textBlocks(message.content, subject);
    return content.length === 0 ? undefined : { role: 'assistant', content };
  }
  const blocks: ContentBlockParam[] = [...thinking, ...textBlocks(message.content, subject)];
  for (const call of calls) {
    blocks.push({ type: 'tool_use', id: ids.forCall(call.id), name: call.function.name, input: parseToolArguments(call, subject) });
  }
  return { role: 'assistant', content: blocks };
}

// One string, unless the result carries an image or a cache breakpoint, which need blocks.
function toolResultContent(content: ToolMessage['content'], subject: ErrorSubject): ToolResultBlockParam['content'] {
  if (typeof content === 'string') return content;
  if (content.some((part) => part.type === 'image_url') || anyCacheControl(content)) return partBlocks(content, subject);
  // Blank parts are left out of the joined text, as from blocks (engine-rules, Blank text).
  return contentText(
    (content as TextPart[]).filter((part) => !isBlank(part.text)),
    '\n',
  );
}

function toolResultMessage(messages: [ToolMessage, number][], subject: ErrorSubject, ids: RequestToolUseIds): MessageParam {
  const blocks: ToolResultBlockParam[] = messages.map(([message, index]) => ({
    type: 'tool_result',
    tool_use_id: ids.forResult(message.tool_call_id, index),
    content: toolResultContent(message.content, subject),
  }));
  return { role: 'user', content: blocks };
}

// The system prompt is one string, unless a part carries cache_control: one text block per part then.
// Blank system text sends nothing: `undefined` when no system text is left.
function systemPrompt(messages: SystemMessage[], subject: ErrorSubject): string | TextBlockParam[] | undefined {
  if (!messages.some((message) => anyCacheControl(message.content))) {
    const texts = messages
      .map(({ content }) =>
        typeof content === 'string'
          ? content
          : contentText(
              content.filter((part) => !isBlank(part.text)),
              '\n',
            ),
      )
      .filter((text) => !isBlank(text));
    return texts.length === 0 ? undefined : texts.join('\n\n');
  }
  const blocks = messages.flatMap<TextBlockParam>((message) =>
    typeof message.content === 'string'
      ? isBlank(message.content)
        ? []
        : [{ type: 'text' as const, text: message.content }]
      : textBlocks(message.content, subject),
  );
  return blocks.length === 0 ? undefined : blocks;
}

function toAnthropicTool(tool: ToolDefinition, subject: ErrorSubject): Tool {
  const out: Tool = {
    name: tool.function.name,
    input_schema: objectInputSchema(tool, subject) as Tool['input_schema'],
  };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  // Tool.strict is part of Anthropic's definition: a boolean is carried as given.
  if (typeof tool.function.strict === 'boolean') out.strict = tool.function.strict;
  return out;
}

function toAnthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

function turnToolIds(turn: MessageParam): TurnToolIds {
  const blocks = typeof turn.content === 'string' ? [] : turn.content;
  return {
    uses: blocks.flatMap((block) => (block.type === 'tool_use' ? [block.id] : [])),
    results: blocks.flatMap((block) => (block.type === 'tool_result' ? [block.tool_use_id] : [])),
  };
}

function translateMessages(messages: ChatMessage[], subject: ErrorSubject): MessageParam[] {
  const out: MessageParam[] = [];
  const ids = new RequestToolUseIds('anthropic');
  let pendingToolResults: [ToolMessage, number][] = [];
  const flush = (): void => {
    if (pendingToolResults.length > 0) out.push(toolResultMessage(pendingToolResults, subject, ids));
    pendingToolResults = [];
  };
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      pendingToolResults.push([message, index]);
      continue;
    }
    flush();
    if (message.role === 'system') continue;
    if (message.role === 'user') {
      const content = typeof message.content === 'string' ? message.content : partBlocks(message.content, subject);
      // The API refuses a user turn without non-blank text: refused here, naming the message.
      if (typeof content === 'string' ? isBlank(content) : content.length === 0) {
        throw badRequest(
          subject,
          `message ${index} (user) has no non-blank text or image (Anthropic refuses blank text)`,
          `Give message ${index} some text (or an image), or remove it from the conversation.`,
        );
      }
      out.push({ role: 'user', content });
    } else {
      ids.assistantMessage(index);
      const turn = assistantMessage(message, subject, ids);
      if (turn) out.push(turn);
    }
  }
  flush();
  ids.assertTurnsPaired(out.map(turnToolIds), subject);
  return out;
}

/** `extraBody` is the already-merged extra body (provider keys over call keys). */
export function toAnthropicMessagesBody(
  request: ChatRequest,
  extraBody: Record<string, unknown>,
  subject: ErrorSubject,
): AnthropicMessagesBody {
  assertToolNames(request.tools, ANTHROPIC_TOOL_NAME, ANTHROPIC_TOOL_NAME_RULE, subject);
  assertHistoryToolNames(request, ANTHROPIC_TOOL_NAME, ANTHROPIC_TOOL_NAME_RULE, subject);
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: anthropicMaxTokens(request.max_tokens, extraBody),
    messages: translateMessages(request.messages, subject),
  };
  const systemMessages = request.messages.filter((message): message is SystemMessage => message.role === 'system');
  const system = systemMessages.length > 0 ? systemPrompt(systemMessages, subject) : undefined;
  if (system !== undefined) body.system = system;
  if (request.tools && request.tools.length > 0) body.tools = request.tools.map((tool) => toAnthropicTool(tool, subject));
  if (request.tool_choice !== undefined) body.tool_choice = toAnthropicToolChoice(request.tool_choice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  // json_schema → output_config.format; other formats have no Anthropic field and are not sent.
  const structured = structuredOutputOf(request.response_format, subject);
  if (structured) body.output_config = { format: { type: 'json_schema', schema: structured.schema } };
  Object.assign(body, extraBody);
  return body as AnthropicMessagesBody;
}
