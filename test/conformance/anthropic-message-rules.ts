// Messages API constraints its OpenAPI definition cannot express but the service enforces (issue
// 18): `thinking.budget_tokens` must be below `max_tokens` ("max_tokens must be greater than
// thinking.budget_tokens"), and only the final message may have empty content ("all messages
// must have non-empty content except for the optional final assistant message").
export function anthropicMessageProblems(body: unknown): string[] {
  const record = body as { messages?: unknown; max_tokens?: unknown; thinking?: { type?: unknown; budget_tokens?: unknown } } | null;
  const out: string[] = [];
  const budget = record?.thinking?.budget_tokens;
  if (
    record?.thinking?.type === 'enabled' &&
    typeof budget === 'number' &&
    typeof record.max_tokens === 'number' &&
    budget >= record.max_tokens
  ) {
    out.push(`$.thinking.budget_tokens: ${budget} is not below max_tokens ${record.max_tokens}`);
  }
  const messages = Array.isArray(record?.messages) ? (record.messages as { content?: unknown }[]) : [];
  messages.forEach((message, i) => {
    const empty = message?.content === '' || (Array.isArray(message?.content) && message.content.length === 0);
    if (empty && i < messages.length - 1) out.push(`$.messages[${i}]: empty content in a message that is not the final one`);
  });
  return out;
}
