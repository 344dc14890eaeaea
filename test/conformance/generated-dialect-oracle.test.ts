// Issue 30: the dialect dimension of the generated suite finds what it should. Its oracle
// (generated/dialect-oracle.ts) is run on hand-written OpenAI bodies for the Mistral rules: a body
// that follows them has no finding, each body breaking one rule is reported with that rule's kind.
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src/core/dialects/dialect-table.ts';
import type { ChatRequest } from '../../src/core/types.ts';
import { dialectFindings, dialectsToJudge } from './generated/dialect-oracle.ts';
import type { CallResult } from './generated/wire-rig.ts';

const call = (id: string) => ({ id, type: 'function' as const, function: { name: 'weather', arguments: '{}' } });
const request: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'user', content: 'Weather?' },
    { role: 'assistant', content: null, reasoning_content: 'Look it up.', tool_calls: [call('call_abc_1'), call('Ab3Cd4Ef5')] },
    { role: 'tool', tool_call_id: 'call_abc_1', content: 'rain' },
    { role: 'tool', tool_call_id: 'Ab3Cd4Ef5', content: 'sun' },
  ],
  tools: [],
};

function sent(body: Record<string, unknown>): CallResult {
  return { provider: 'openai', engine: 'v2', requests: [{ method: 'POST', path: '/v1/chat/completions', body }], ok: true, ms: 1 };
}

const good = () => ({
  model: 'm',
  messages: [
    { role: 'user', content: 'Weather?' },
    { role: 'assistant', content: null, tool_calls: [call('Zz9Yy8Xx7'), call('Ab3Cd4Ef5')] },
    { role: 'tool', tool_call_id: 'Zz9Yy8Xx7', content: 'rain' },
    { role: 'tool', tool_call_id: 'Ab3Cd4Ef5', content: 'sun' },
  ],
});
const kinds = (body: Record<string, unknown>) => dialectFindings(request, sent(body), DIALECTS.mistral.request).map((f) => f.kind);

describe('the dialect oracle (Mistral rules)', () => {
  it('judges one dialect per distinct set of request rules, never the default', () => {
    expect(dialectsToJudge()).toEqual(['vllm', 'groq', 'mistral']);
  });

  it('passes a body that follows the rules', () => {
    expect(kinds(good())).toEqual([]);
  });

  it('finds reasoning_content sent back', () => {
    const body = good();
    (body.messages[1] as Record<string, unknown>).reasoning_content = 'Look it up.';
    expect(kinds(body)).toEqual(['dialect:reasoning-sent']);
  });

  it('finds tools: [] sent', () => {
    expect(kinds({ ...good(), tools: [] })).toEqual(['dialect:empty-tools']);
  });

  it('finds an id that is not nine letters and digits, a fitting id changed, and a broken pairing', () => {
    const long = good();
    long.messages[1].tool_calls = [call('call_abc_1'), call('Ab3Cd4Ef5')];
    long.messages[2].tool_call_id = 'call_abc_1';
    expect(kinds(long)).toEqual(['dialect:tool-call-id', 'dialect:tool-call-id']);

    const changed = good();
    changed.messages[1].tool_calls = [call('Zz9Yy8Xx7'), call('Qq1Ww2Ee3')];
    changed.messages[3].tool_call_id = 'Qq1Ww2Ee3';
    expect(kinds(changed)).toEqual(['dialect:tool-call-id-kept', 'dialect:tool-call-id-kept']);

    const unpaired = good();
    unpaired.messages[2].tool_call_id = 'Pp0Oo9Ii8';
    expect(kinds(unpaired)).toEqual(['dialect:tool-call-id-pairing']);
  });
});
