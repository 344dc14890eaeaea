// Tool-call ids for a server that takes only nine letters and digits (the `nine-alphanumeric`
// dialect rule, docs/engine-rules.md "Server dialects"; Mistral). An id that already fits is kept;
// any other is replaced by nine characters drawn from its SHA-256, so an assistant's call and the
// tool result answering it keep the same id and both engines send the same one.
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../../core/types.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const FITS = /^[A-Za-z0-9]{9}$/;

function derived(text: string): string {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  let id = '';
  for (let i = 0; i < 9; i++) id += ALPHABET[digest[i] % ALPHABET.length];
  return id;
}

function idsIn(messages: readonly ChatMessage[]): string[] {
  const ids: string[] = [];
  for (const message of messages) {
    if (message.role === 'tool' && typeof message.tool_call_id === 'string') ids.push(message.tool_call_id);
    if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) continue;
    for (const call of message.tool_calls) if (typeof call?.id === 'string') ids.push(call.id);
  }
  return ids;
}

/**
 * Every id of the history → the id to send. A derived id never equals another id of the request:
 * on a clash the next candidate is the hash of `<id>#1`, `<id>#2`, … (in order of first appearance).
 */
export function nineAlphanumericIds(messages: readonly ChatMessage[]): ReadonlyMap<string, string> {
  const ids = idsIn(messages);
  const taken = new Set(ids.filter((id) => FITS.test(id)));
  const sent = new Map<string, string>();
  for (const id of ids) {
    if (sent.has(id)) continue;
    if (FITS.test(id)) {
      sent.set(id, id);
      continue;
    }
    let candidate = derived(id);
    for (let n = 1; taken.has(candidate); n++) candidate = derived(`${id}#${n}`);
    taken.add(candidate);
    sent.set(id, candidate);
  }
  return sent;
}
