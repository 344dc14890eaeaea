// Some providers return tool calls without an id (Gemini's OpenAI endpoint sends ""). The next
// turn must echo an id, and both engines must invent the same one, so it is derived from the call.
import { createHash } from 'node:crypto';

export function toolCallIdOr(id: unknown, index: number, name: string, args: string): string {
  if (typeof id === 'string' && id !== '') return id;
  const digest = createHash('sha256').update(`${index}:${name}:${args}`).digest('hex');
  return `call_${digest.slice(0, 16)}`;
}
