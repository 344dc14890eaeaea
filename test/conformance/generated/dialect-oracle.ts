// The dialect dimension of the generated request suite (docs/engine-rules.md, "Server dialects"):
// an OpenAI provider with a `dialect` whose request rules differ from OpenAI's gets every case too,
// judged by the ordinary oracle (an OpenAI body, conserving content) and by the dialect's rules as
// written in its row of src/core/dialects: read from the table, never from the engines' code.
import { DIALECTS } from '../../../src/core/dialects/dialect-table.ts';
import { DEFAULT_DIALECT, DIALECT_NAMES, type DialectName, type ServerDialect } from '../../../src/core/dialects/server-dialect.ts';
import type { ChatRequest } from '../../../src/core/types.ts';
import { canonicalJson } from '../../../src/parity/json-diff.ts';
import type { Finding } from './oracle.ts';
import type { CallResult } from './wire-rig.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One dialect per distinct set of request rules other than OpenAI's (the first in the table's order). */
export function dialectsToJudge(): DialectName[] {
  const seen = new Set([canonicalJson(DIALECTS[DEFAULT_DIALECT].request)]);
  return DIALECT_NAMES.filter((name) => {
    const key = canonicalJson(DIALECTS[name].request);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Tool-call ids per message, in order: assistant calls, or the one id a tool result answers. */
function idsByMessage(messages: unknown[]): string[][] {
  return messages.map((m) => {
    if (!isObject(m)) return [];
    if (m.role === 'tool') return typeof m.tool_call_id === 'string' ? [m.tool_call_id] : [];
    if (m.role !== 'assistant' || !Array.isArray(m.tool_calls)) return [];
    return m.tool_calls.flatMap((c) => (isObject(c) && typeof c.id === 'string' ? [c.id] : []));
  });
}

function idFindings(request: ChatRequest, sent: unknown[], out: Finding[]): void {
  const canonical = idsByMessage(request.messages as unknown[]);
  const wire = idsByMessage(sent);
  const toWire = new Map<string, string>();
  const fromWire = new Map<string, string>();
  canonical.forEach((ids, i) => {
    ids.forEach((id, j) => {
      const sentId = wire[i]?.[j];
      if (sentId === undefined) return; // a lost call or result is the ordinary oracle's finding
      if (!/^[A-Za-z0-9]{9}$/.test(sentId)) out.push({ kind: 'dialect:tool-call-id', message: `${id} sent as ${sentId}` });
      if (/^[A-Za-z0-9]{9}$/.test(id) && sentId !== id) out.push({ kind: 'dialect:tool-call-id-kept', message: `${id} sent as ${sentId}` });
      if ((toWire.get(id) ?? sentId) !== sentId || (fromWire.get(sentId) ?? id) !== id) {
        out.push({ kind: 'dialect:tool-call-id-pairing', message: `${id} → ${sentId} breaks the one-to-one map of ids` });
      }
      toWire.set(id, sentId);
      fromWire.set(sentId, id);
    });
  });
}

/** The rules of `dialect` broken by what reached the wire (a refusal is the ordinary oracle's to judge). */
export function dialectFindings(request: ChatRequest, result: CallResult, rules: ServerDialect['request']): Finding[] {
  const out: Finding[] = [];
  const body = result.ok ? result.requests[0]?.body : undefined;
  if (!isObject(body) || !Array.isArray(body.messages)) return out;
  if (rules.reasoningHistory === 'omit') {
    body.messages.forEach((m, i) => {
      if (isObject(m) && 'reasoning_content' in m)
        out.push({ kind: 'dialect:reasoning-sent', message: `messages[${i}].reasoning_content` });
    });
  }
  if (rules.emptyTools === 'omit' && Array.isArray(body.tools) && body.tools.length === 0) {
    out.push({ kind: 'dialect:empty-tools', message: 'tools: [] in the body' });
  }
  if (rules.toolCallIds === 'nine-alphanumeric') idFindings(request, body.messages, out);
  return out;
}
