// The opening messages of a generate call (reference §5.3 prompt_to_messages).
import type { ChatMessage, UserContentPart } from '../core/types.ts';

export function promptToMessages(prompt: string, systemPrompt?: string, multiModalContext?: UserContentPart[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // An empty system prompt means "none", not an empty system message.
  if (systemPrompt) messages.push({ role: 'system', content: systemPrompt });
  if (multiModalContext && multiModalContext.length > 0) {
    // Context first, then the instruction that refers to it.
    messages.push({ role: 'user', content: [...multiModalContext, { type: 'text', text: prompt }] });
  } else {
    messages.push({ role: 'user', content: prompt });
  }
  return messages;
}
