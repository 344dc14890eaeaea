// Canonical chat request → Anthropic Messages body (SPEC §5, docs/engine-rules.md).
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
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
  UserContentPart,
} from '../core/types.ts';
import { contentText, parseToolArguments } from './canonical-request-checks.ts';
import { parseDataUri } from './data-uri.ts';
import type { ErrorSubject } from './failure-classification.ts';
import { objectInputSchema } from './tool-input-schema.ts';
import { anthropicToolUseId } from './wire-tool-use-id.ts';

export type AnthropicMessagesBody = MessageCreateParamsNonStreaming & Record<string, unknown>;

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

function imageBlock(url: string): ImageBlockParam {
  const inline = parseDataUri(url);
  if (inline) {
    return {
      type: 'image',
      source: { type: 'base64', media_type: inline.mediaType as 'image/png', data: inline.base64 },
    };
  }
  return { type: 'image', source: { type: 'url', url } };
}

function userBlocks(parts: UserContentPart[]): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
    } else if (part.type === 'image_url') {
      blocks.push(imageBlock(part.image_url.url));
    }
  }
  return blocks;
}

function textBlocks(content: AssistantMessage['content']): TextBlockParam[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.filter((part) => part.type === 'text' && part.text !== '').map((part) => ({ type: 'text', text: part.text }));
}

function assistantMessage(message: AssistantMessage, subject: ErrorSubject): MessageParam {
  const thinking = message.thinking_blocks ?? [];
  const calls = message.tool_calls ?? [];
  if (thinking.length === 0 && calls.length === 0) {
    const content = typeof message.content === 'string' ? message.content : textBlocks(message.content);
    return { role: 'assistant', content };
  }
  const blocks: ContentBlockParam[] = [];
  for (const block of thinking) {
    if (block.type === 'thinking') {
      blocks.push({ type: 'thinking', thinking: block.thinking, ...(block.signature !== undefined ? { signature: block.signature } : {}) } as ContentBlockParam);
    } else {
      blocks.push({ type: 'redacted_thinking', data: block.data });
    }
  }
  blocks.push(...textBlocks(message.content));
  for (const call of calls) {
    blocks.push({ type: 'tool_use', id: anthropicToolUseId(call.id), name: call.function.name, input: parseToolArguments(call, subject) });
  }
  return { role: 'assistant', content: blocks };
}

function toolResultMessage(messages: ToolMessage[]): MessageParam {
  const blocks: ToolResultBlockParam[] = messages.map((message) => ({
    type: 'tool_result',
    tool_use_id: anthropicToolUseId(message.tool_call_id),
    content: contentText(message.content, '\n'),
  }));
  return { role: 'user', content: blocks };
}

function toAnthropicTool(tool: ToolDefinition, subject: ErrorSubject): Tool {
  const out: Tool = {
    name: tool.function.name,
    input_schema: objectInputSchema(tool, subject) as Tool['input_schema'],
  };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  return out;
}

function toAnthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

function translateMessages(messages: ChatMessage[], subject: ErrorSubject): MessageParam[] {
  const out: MessageParam[] = [];
  let pendingToolResults: ToolMessage[] = [];
  const flush = (): void => {
    if (pendingToolResults.length > 0) out.push(toolResultMessage(pendingToolResults));
    pendingToolResults = [];
  };
  for (const message of messages) {
    if (message.role === 'tool') {
      pendingToolResults.push(message);
      continue;
    }
    flush();
    if (message.role === 'system') continue;
    if (message.role === 'user') {
      const content = typeof message.content === 'string' ? message.content : userBlocks(message.content);
      out.push({ role: 'user', content });
    } else {
      out.push(assistantMessage(message, subject));
    }
  }
  flush();
  return out;
}

/** `extraBody` is the already-merged extra body (provider keys over call keys). */
export function toAnthropicMessagesBody(
  request: ChatRequest,
  extraBody: Record<string, unknown>,
  subject: ErrorSubject,
): AnthropicMessagesBody {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: translateMessages(request.messages, subject),
  };
  const systemTexts = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => contentText(message.content, '\n'));
  if (systemTexts.length > 0) body.system = systemTexts.join('\n\n');
  if (request.tools && request.tools.length > 0) body.tools = request.tools.map((tool) => toAnthropicTool(tool, subject));
  if (request.tool_choice !== undefined) body.tool_choice = toAnthropicToolChoice(request.tool_choice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined) body.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  Object.assign(body, extraBody);
  return body as AnthropicMessagesBody;
}
