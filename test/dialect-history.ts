// One canonical history that every dialect request rule can change (docs/engine-rules.md "Server
// dialects"), and what a body translated under a dialect's rules must look like. Both engines'
// tests (test/legacy, test/v2 `server-dialects.test.ts`) translate it with their own code.
import { expect } from 'vitest';
import type { ServerDialect } from '../src/core/dialects/server-dialect.ts';
import type { ChatRequest } from '../src/core/types.ts';

/** An id another provider issued (DeepSeek's, from the wire corpus), and one that fits Mistral. */
const FOREIGN_ID = 'call_00_9V0vrf86Pc9aelHCJMZqnJBo';
const FITTING_ID = 'Xy7Qp2Lm9';

const weatherCall = (id: string) => ({ id, type: 'function' as const, function: { name: 'weather', arguments: '{}' } });

export const DIALECT_HISTORY: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'user', content: 'Weather?' },
    {
      role: 'assistant',
      content: 'Checking.',
      reasoning_content: 'Two lookups.',
      tool_calls: [weatherCall(FOREIGN_ID), weatherCall(FITTING_ID)],
    },
    { role: 'tool', tool_call_id: FOREIGN_ID, content: 'rain' },
    { role: 'tool', tool_call_id: FITTING_ID, content: 'sun' },
  ],
  tools: [],
};

interface SentBody {
  messages: { reasoning_content?: unknown; tool_calls?: { id: string }[]; tool_call_id?: string }[];
  tools?: unknown;
}

/** The body an engine made of DIALECT_HISTORY follows `rules`, and results still answer their calls. */
export function expectDialectBody(body: SentBody, rules: ServerDialect['request']): void {
  const assistant = body.messages[1];
  expect('reasoning_content' in assistant).toBe(rules.reasoningHistory === 'send');
  expect('tools' in body).toBe(rules.emptyTools === 'send');
  const ids = (assistant.tool_calls ?? []).map((call) => call.id);
  expect(body.messages.slice(2).map((m) => m.tool_call_id)).toEqual(ids);
  expect(ids[1]).toBe(FITTING_ID);
  if (rules.toolCallIds === 'as-given') expect(ids[0]).toBe(FOREIGN_ID);
  else expect(ids[0]).toMatch(/^[A-Za-z0-9]{9}$/);
}
