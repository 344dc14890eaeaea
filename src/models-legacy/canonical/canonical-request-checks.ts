import type { ChatRequest, ProviderType } from '../../core/types.ts';
import { isRecord } from './json-value.ts';
import { badRequest, unsupportedCapability } from './request-input-error.ts';
import { validateSamplingParams } from './sampling-param-checks.ts';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

// Images belong in user turns (and, for Anthropic and Bedrock, tool results); no provider takes
// one in a system prompt or an assistant turn, so it is refused rather than dropped.
const IMAGE_ROLES = new Set(['user', 'tool']);

const PROVIDER_LABELS: Record<ProviderType, string> = { openai: 'OpenAI', anthropic: 'Anthropic', bedrock: 'Bedrock Converse' };

// Part types each provider takes in a role (engine-rules, "Canonical request contract", Document
// parts). Judged here, part by part in message order, so that a request with several problems is
// refused for the first one in the documented check order whichever provider it goes to.
function takesPart(provider: ProviderType, role: string, type: string): boolean {
  if (provider === 'openai' && role === 'user') return true;
  // OpenAI assistant parts are text or a refusal (ChatCompletionRequestAssistantMessageContentPart).
  if (provider === 'openai' && role === 'assistant' && type === 'refusal') return true;
  return type === 'text' || type === 'image_url';
}

function validateParts(parts: unknown[], messageIndex: number, role: string, provider: ProviderType | undefined): void {
  parts.forEach((part, j) => {
    const where = `messages[${messageIndex}].content[${j}]`;
    if (!isRecord(part) || typeof part.type !== 'string') {
      throw badRequest(
        `${where} is not a content part`,
        'Use parts of the form {"type": "text", "text": "..."} or {"type": "image_url", "image_url": {"url": "..."}}.',
      );
    }
    if (part.type === 'image_url' && !(isRecord(part.image_url) && typeof part.image_url.url === 'string' && part.image_url.url !== '')) {
      throw badRequest(
        `${where} is an image_url part without image_url.url`,
        'Pass images as {"type": "image_url", "image_url": {"url": "https://... or data:..."}}.',
      );
    }
    if (part.type === 'image_url' && !IMAGE_ROLES.has(role)) {
      throw unsupportedCapability(
        `${where} is an image in ${role === 'assistant' ? 'an' : 'a'} ${role} message, which takes text only`,
        'Move the image into a user message.',
      );
    }
    if (provider === 'openai' && part.type === 'image_url' && role === 'tool') {
      throw unsupportedCapability(
        `messages[${messageIndex}] is a tool message with an image, and OpenAI tool messages take text only`,
        'Return the image in a user message after the tool results (or send the tool result as text).',
      );
    }
    if (provider !== undefined && !takesPart(provider, role, part.type)) {
      throw unsupportedCapability(
        `${where} is a '${part.type}' part in ${role === 'assistant' ? 'an' : 'a'} ${role} message, ` +
          `which ${PROVIDER_LABELS[provider]} cannot take there`,
        role === 'user'
          ? 'Send text and image_url parts only, or use an OpenAI-compatible provider that accepts this part type.'
          : `Send ${role} content as text (put documents in a user message where the provider takes them).`,
      );
    }
  });
}

// Checks every provider needs before a request is built, so bad input never costs a round trip.
// With `provider`, the part types that provider cannot take in a role are refused in the same walk.
export function validateChatRequest(request: ChatRequest, provider?: ProviderType): void {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw badRequest('The request has no messages', 'Pass at least one message in `messages`.');
  }
  request.messages.forEach((message, i) => {
    const role: unknown = isRecord(message) ? message.role : undefined;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw badRequest(
        `messages[${i}] has ${typeof role === 'string' ? `role '${role}', which is not a chat role` : 'no valid role'}`,
        'Give every message a role of "system", "user", "assistant" or "tool".',
      );
    }
    if (message.role === 'assistant' && Array.isArray(message.content)) validateParts(message.content, i, 'assistant', provider);
    if (message.role !== 'assistant') {
      const { content } = message as { content?: unknown };
      if (typeof content !== 'string' && !Array.isArray(content)) {
        throw badRequest(
          `messages[${i}] (${message.role}) has no content`,
          'Give system, user and tool messages a string or an array of content parts.',
        );
      }
      if (Array.isArray(content)) validateParts(content, i, message.role, provider);
    }
    if (message.role === 'tool' && (typeof message.tool_call_id !== 'string' || message.tool_call_id === '')) {
      throw badRequest(
        `messages[${i}] is a tool message without a tool_call_id`,
        'Set tool_call_id to the id of the assistant tool call this message answers.',
      );
    }
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      message.tool_calls.forEach((call, j) => {
        const name = isRecord(call) && isRecord(call.function) ? call.function.name : undefined;
        if (typeof name !== 'string' || name === '') {
          throw badRequest(
            `messages[${i}].tool_calls[${j}] has no function name`,
            'Give every tool call a function.name matching a tool definition.',
          );
        }
      });
    }
  });
  validateSamplingParams(request);
}
