// Converse constraints the Smithy model cannot express, known from the service's own 400s:
// "A conversation must alternate between user and assistant roles" and "Conversation blocks and
// tool result blocks cannot be provided in the same turn" (wire corpus
// bedrock/400_validation_tool_result_blocks_same_turn), and "The content field in the Message
// object … is empty" (issue 18).
export function converseTurnProblems(body: unknown): string[] {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return [];
  const out: string[] = [];
  messages.forEach((message: { role?: unknown; content?: unknown }, i) => {
    if (i > 0 && messages[i - 1]?.role === message?.role)
      out.push(`$.messages[${i}]: a second ${String(message.role)} turn in a row (roles must alternate)`);
    const blocks = Array.isArray(message?.content) ? (message.content as Record<string, unknown>[]) : [];
    // "The content field in the Message object at messages.N is empty" (issue 18 item 7).
    if (blocks.length === 0) out.push(`$.messages[${i}]: empty content`);
    const results = blocks.filter((block) => block && 'toolResult' in block).length;
    if (results > 0 && results < blocks.length) out.push(`$.messages[${i}]: tool result blocks and conversation blocks in one turn`);
  });
  return out;
}
