// Requests the provider would reject anyway, or that we could not translate faithfully, fail
// here with a clear local error before any attempt is made (docs/engine-rules.md).
import { ModelUnsupportedCapabilityError } from '../../core/errors.ts';
import type { ChatMessage, ChatRequest, EmbeddingRequest, TextPart, ToolCall, UserContentPart } from '../../core/types.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { checkSamplingParams } from './sampling-param-checks.ts';
import { CANONICAL_ROLES } from './canonical-roles.ts';
import { badRequest } from './request-error.ts';

function isPartArray(content: unknown): content is { type?: unknown }[] {
  return Array.isArray(content) && content.every((part) => part !== null && typeof part === 'object');
}

/**
 * Shape checks every provider needs. `textAndImagesOnly` is for Anthropic and Bedrock, which
 * cannot carry other part types: those are refused rather than silently dropped.
 */
export function checkChatRequest(request: ChatRequest, subject: ErrorSubject, textAndImagesOnly = false): void {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw badRequest(subject, 'it has no messages');
  }
  request.messages.forEach((message: ChatMessage, i) => {
    const role: unknown = (message as { role?: unknown } | null)?.role;
    if (typeof role !== 'string' || !CANONICAL_ROLES.has(role)) {
      throw badRequest(
        subject,
        `message ${i} has role ${typeof role === 'string' ? `'${role}'` : String(role)}`,
        'Give every message a role of "system", "user", "assistant" or "tool".',
      );
    }
    const content: unknown = message.content;
    const optional = message.role === 'assistant' && (content === null || content === undefined);
    if (!optional && typeof content !== 'string' && !isPartArray(content)) {
      throw badRequest(subject, `message ${i} (${message.role}) has content that is neither a string nor an array of parts`);
    }
    if (isPartArray(content)) {
      content.forEach((part, j) => {
        const type = part.type;
        if (type === 'image_url') {
          const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
          if (typeof url !== 'string' || url === '') {
            throw badRequest(subject, `message ${i}, part ${j}: an image_url part needs image_url.url`);
          }
        }
        // Images go in user turns, and in tool results where the provider takes them (Anthropic,
        // Bedrock; OpenAI tool messages take text only); never in a system or assistant turn.
        if (type === 'image_url' && message.role !== 'user' && !(message.role === 'tool' && textAndImagesOnly)) {
          throw new ModelUnsupportedCapabilityError({
            ...subject,
            causeText: `{subject} cannot take an image in ${message.role === 'assistant' ? 'an' : 'a'} ${message.role} message (message ${i}, part ${j})`,
            solution:
              message.role === 'tool'
                ? 'Return the image in a user message after the tool results (or send the tool result as text).'
                : 'Move the image into a user message.',
          });
        }
        // OpenAI system and tool messages take text parts only, assistant messages text or a
        // refusal (CreateChatCompletionRequest); a document or audio part there is refused, never
        // sent to a 400 or dropped.
        if (!textAndImagesOnly) {
          const takes = type === 'text' || type === 'image_url' || (message.role === 'assistant' && type === 'refusal');
          if (message.role !== 'user' && !takes) {
            throw new ModelUnsupportedCapabilityError({
              ...subject,
              causeText: `{subject} cannot take a '${String(type)}' part in the ${message.role} message ${i} (part ${j})`,
              solution: `Send ${message.role} content as text; documents go in a user message.`,
            });
          }
          return;
        }
        const allowed = type === 'text' || type === 'image_url';
        if (!allowed) {
          throw new ModelUnsupportedCapabilityError({
            ...subject,
            causeText: `{subject} cannot take a '${String(type)}' part in a ${message.role} message (message ${i}, part ${j})`,
            solution: 'Send text (and, in user messages, images); other content types are not supported by this provider.',
          });
        }
      });
    }
    if (message.role === 'tool' && (typeof message.tool_call_id !== 'string' || message.tool_call_id === '')) {
      throw badRequest(subject, `message ${i} has role 'tool' but no tool_call_id`);
    }
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        if (typeof call?.function?.name !== 'string' || call.function.name === '') {
          throw badRequest(subject, `message ${i} has a tool call (id '${call?.id ?? ''}') without a function name`);
        }
      }
    }
  });
  checkSamplingParams(request, subject);
}

export function checkEmbeddingRequest(request: EmbeddingRequest, subject: ErrorSubject): void {
  if (!Array.isArray(request.input) || request.input.length === 0) {
    throw badRequest(subject, 'the embedding input list is empty', 'Pass at least one text to embed.');
  }
  // Typed as string[], but callers from plain JS or parsed data send numbers and nulls too, and
  // providers would embed their JSON text (or reject the batch) instead.
  const notText = request.input.findIndex((text) => typeof text !== 'string');
  if (notText >= 0) {
    throw badRequest(subject, `embedding input[${notText}] is not a string`, 'Pass `input` as an array of strings.');
  }
}

/**
 * Anthropic and Bedrock take tool input as an object; the canonical form is a JSON string.
 */
export function parseToolArguments(call: ToolCall, subject: ErrorSubject): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.function.arguments);
  } catch {
    throw badRequest(subject, `the arguments of tool call '${call.id}' are not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest(subject, `the arguments of tool call '${call.id}' are not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Text of a string or text-part content, parts joined by `separator`. */
export function contentText(content: string | readonly (TextPart | UserContentPart)[] | null | undefined, separator: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is TextPart => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(separator);
}
