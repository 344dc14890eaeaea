// Content on spans, only when the user opted in (observability.captureContent): the messages as
// the GenAI conventions' JSON attributes, scrubbed of every registered secret like log text.
import type { Span } from '@opentelemetry/api';
import { redactSecrets } from '../core/secrets.ts';
import type { ChatMessage, ChatResponse } from '../core/types.ts';
import { ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_OUTPUT_MESSAGES } from './attribute-names.ts';

export function captureInput(span: Span, input: readonly ChatMessage[] | readonly string[]): void {
  span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, redactSecrets(JSON.stringify(input)));
}

export function captureChatOutput(span: Span, response: ChatResponse): void {
  const output = response.choices.map((choice) => ({ ...choice.message, finish_reason: choice.finish_reason }));
  span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, redactSecrets(JSON.stringify(output)));
}
