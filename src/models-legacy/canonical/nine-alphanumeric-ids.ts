import { createHash } from 'node:crypto';
import type { ChatMessage } from '../../core/types.ts';

// Servers that take tool-call ids of exactly nine letters and digits (Mistral; the dialect rule
// `nine-alphanumeric`, docs/engine-rules.md "Server dialects"): an id that already fits goes as it
// is, any other becomes nine characters picked by the bytes of its SHA-256, so a call and its tool
// result still pair up and the legacy and v2 engines send the same id.
const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const fits = (id: string): boolean => /^[A-Za-z0-9]{9}$/.test(id);

function nineFrom(text: string): string {
  const bytes = createHash('sha256').update(text, 'utf8').digest();
  return Array.from(bytes.subarray(0, 9), (byte) => LETTERS_AND_DIGITS[byte % 62]).join('');
}

/** Ids in order of first appearance: assistant `tool_calls[].id`, tool `tool_call_id`. */
function historyIds(messages: readonly ChatMessage[]): string[] {
  const seen: string[] = [];
  messages.forEach((message) => {
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) if (typeof call?.id === 'string') seen.push(call.id);
    } else if (message.role === 'tool' && typeof message.tool_call_id === 'string') {
      seen.push(message.tool_call_id);
    }
  });
  return seen;
}

/**
 * Old id → id on the wire. A replacement never clashes with another id of the request: when
 * it would, `<id>#1`, `<id>#2`, … are hashed instead until one is free.
 */
export function nineAlphanumericIds(messages: readonly ChatMessage[]): ReadonlyMap<string, string> {
  const ids = historyIds(messages);
  const used = new Set(ids.filter(fits));
  const wire = new Map<string, string>();
  for (const id of ids) {
    if (wire.has(id)) continue;
    let replacement = id;
    if (!fits(id)) {
      let attempt = 0;
      do {
        replacement = nineFrom(attempt === 0 ? id : `${id}#${attempt}`);
        attempt += 1;
      } while (used.has(replacement));
      used.add(replacement);
    }
    wire.set(id, replacement);
  }
  return wire;
}
