// Content on spans, only when the user opted in (observability.captureContent): the messages as
// the GenAI conventions' JSON attributes, scrubbed like log text — as values, string by string,
// before they are serialized (docs/observability.md, "Content capture"), so the JSON escaping of a
// string can neither hide a secret from the scrub nor change what a credential pattern matches.
import type { Span } from '@opentelemetry/api';
import { redactDeep } from '../core/secrets.ts';
import type { ChatMessage, ChatResponse } from '../core/types.ts';
import { ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_OUTPUT_MESSAGES } from './attribute-names.ts';

export function captureInput(span: Span, input: readonly ChatMessage[] | readonly string[]): void {
  span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, JSON.stringify(redactDeep(input)));
}

export function captureChatOutput(span: Span, response: ChatResponse): void {
  const output = response.choices.map((choice) => ({ ...choice.message, finish_reason: choice.finish_reason }));
  span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, JSON.stringify(redactDeep(output)));
}
