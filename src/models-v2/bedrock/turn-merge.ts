// Converse wants user and assistant turns to alternate ("A conversation must alternate between
// user and assistant roles"): a message of the same role as the turn before joins that turn, its
// blocks after the earlier ones. Tool results cannot take part: Converse also refuses text or
// images in the turn that carries toolResult blocks ("Conversation blocks and tool result blocks
// cannot be provided in the same turn", wire corpus), so user content right next to tool results
// is refused here, before any request.
import type { ContentBlock, Message } from '@aws-sdk/client-bedrock-runtime';
import { badRequest } from '../canonical/request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

const carriesToolResult = (blocks: ContentBlock[]): boolean => blocks.some((block) => block.toolResult !== undefined);

export function pushTurn(turns: Message[], turn: Message, messageIndex: number, subject: ErrorSubject): void {
  const previous = turns[turns.length - 1];
  if (!previous || previous.role !== turn.role) {
    turns.push(turn);
    return;
  }
  const before = previous.content ?? [];
  const added = turn.content ?? [];
  if (before.length > 0 && added.length > 0 && carriesToolResult(before) !== carriesToolResult(added)) {
    throw badRequest(
      subject,
      `message ${messageIndex} puts user content and tool results next to each other with no assistant message between (Bedrock Converse takes neither two user turns in a row nor text and tool results in one turn)`,
      'Put an assistant message between the tool results and the next user message, or send that text as part of the tool message.',
    );
  }
  previous.content = [...before, ...added];
}
