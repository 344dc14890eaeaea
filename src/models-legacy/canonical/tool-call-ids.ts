import { createHash } from 'node:crypto';

// Some providers (Gemini's OpenAI endpoint) return `"id": ""`. Both engines derive the same id
// from the call's content so the compare harness sees identical tool calls (docs/contract.md "Provider translation").
export function synthesizeToolCallId(index: number, name: string, args: string): string {
  const digest = createHash('sha256').update(`${index}:${name}:${args}`).digest('hex');
  return `call_${digest.slice(0, 16)}`;
}

export function toolCallIdOrSynthesized(rawId: unknown, index: number, name: string, args: string): string {
  return typeof rawId === 'string' && rawId.length > 0 ? rawId : synthesizeToolCallId(index, name, args);
}
