import type { JsonRecord } from '../canonical/json-value.ts';
import { badRequest } from '../canonical/request-input-error.ts';

// Converse rejects two turns of one role in a row ("A conversation must alternate between user and
// assistant roles"), so a turn of the same role as the one before is merged into it, content
// blocks in order. Except tool results: Converse also rejects a turn mixing toolResult blocks with
// text or images ("Conversation blocks and tool result blocks cannot be provided in the same
// turn", wire corpus), so a user message right after tool results cannot be merged nor sent
// apart, and is refused before the network.
function hasToolResult(blocks: readonly JsonRecord[]): boolean {
  return blocks.some((block) => 'toolResult' in block);
}

export function appendBedrockTurn(turns: JsonRecord[], role: 'user' | 'assistant', content: JsonRecord[], messageIndex: number): void {
  const last = turns.at(-1);
  if (last === undefined || last.role !== role) {
    turns.push({ role, content });
    return;
  }
  const previous = last.content as JsonRecord[];
  if (content.length > 0 && previous.length > 0 && hasToolResult(previous) !== hasToolResult(content)) {
    throw badRequest(
      `Message ${messageIndex} puts user content and tool results next to each other with no assistant message between; Bedrock Converse takes neither two user turns in a row nor text and tool results in one turn`,
      'Put an assistant message between the tool results and the next user message, or send that text as part of the tool message.',
    );
  }
  last.content = [...previous, ...content];
}
