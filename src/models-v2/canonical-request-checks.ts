// Requests the provider would reject anyway, or that we could not translate faithfully, fail
// here with a clear local error before any attempt is made (docs/engine-rules.md).
import { ModelBadRequestError } from '../core/errors.ts';
import type { ChatMessage, ChatRequest, EmbeddingRequest, TextPart, ToolCall } from '../core/types.ts';
import type { ErrorSubject } from './failure-classification.ts';

export function badRequest(subject: ErrorSubject, problem: string, solution?: string): ModelBadRequestError {
  return new ModelBadRequestError({
    ...subject,
    causeText: `The request to {subject} is invalid: ${problem}`,
    ...(solution ? { solution } : {}),
  });
}

export function checkChatRequest(request: ChatRequest, subject: ErrorSubject): void {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw badRequest(subject, 'it has no messages');
  }
  request.messages.forEach((message: ChatMessage, i) => {
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
}

export function checkEmbeddingRequest(request: EmbeddingRequest, subject: ErrorSubject): void {
  if (!Array.isArray(request.input) || request.input.length === 0) {
    throw badRequest(subject, 'the embedding input list is empty', 'Pass at least one text to embed.');
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
export function contentText(content: string | TextPart[] | null | undefined, separator: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part) => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(separator);
}
