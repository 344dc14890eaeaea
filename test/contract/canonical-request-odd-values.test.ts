// Issue 24: no TypeError (or any unmapped error) escapes translation for null, empty or blank
// values anywhere in the canonical request. Each optional field (and each required one a caller
// could leave empty) of a full request is set to each odd value in turn; both engines, every
// provider, must end in a body or a typed error — and in the same outcome, with equal bodies.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/testing/fixture.ts';
import { diffJson } from '../../src/testing/json-diff.ts';
import { runFixture, type FixtureRun } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { CLIENT_ERROR_CLASSES, FIXTURES_DIR, RUN_TIMEOUT_MS, show } from './support.ts';

type Provider = Fixture['provider'];
const SOURCE: Record<Provider, string> = {
  openai: 'openai/chat-plain-text.json',
  anthropic: 'anthropic/plain-text-max-tokens-default.json',
  bedrock: 'bedrock/system-prompt.json',
};

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const IMAGE = { type: 'image_url', image_url: { url: PNG, detail: 'low' } };
const CALL = { id: 'call_1', type: 'function', function: { name: 'get_capital', arguments: '{"country":"France"}' } };
const TOOL = {
  type: 'function',
  function: { name: 'get_capital', description: 'Capital of a country', parameters: { type: 'object', properties: {} }, strict: true },
};

function fullRequest(): Record<string, any> {
  return {
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: [{ type: 'text', text: 'What is in the picture?' }, IMAGE] },
      {
        role: 'assistant',
        content: 'Let me look it up.',
        reasoning_content: 'Needs a tool.',
        thinking_blocks: [{ type: 'thinking', thinking: 'Needs a tool.', signature: 'c2ln' }],
        tool_calls: [CALL],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Paris' },
      { role: 'assistant', content: 'Paris.' },
      { role: 'user', content: 'Thanks' },
    ],
    tools: [TOOL],
    tool_choice: 'auto',
    temperature: 0.5,
    top_p: 0.9,
    max_tokens: 100,
    stop: ['END'],
    seed: 1,
    n: 1,
    frequency_penalty: 0,
    presence_penalty: 0,
    response_format: { type: 'text' },
    extra_body: {},
    extra_headers: { 'x-tenant': 'acme' },
    timeout_ms: 10_000,
  };
}

const TOP_LEVEL = [
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'max_tokens',
  'stop',
  'seed',
  'n',
  'frequency_penalty',
  'presence_penalty',
  'response_format',
  'extra_body',
  'extra_headers',
  'timeout_ms',
  'model',
];
const PATHS: (string | number)[][] = [
  ...TOP_LEVEL.map((key) => [key]),
  ['messages', 0, 'content'],
  ['messages', 0, 'content', 0, 'text'],
  ['messages', 0, 'content', 0, 'cache_control'],
  ['messages', 1, 'content'],
  ['messages', 1, 'content', 0, 'text'],
  ['messages', 1, 'content', 1, 'image_url'],
  ['messages', 1, 'content', 1, 'image_url', 'detail'],
  ['messages', 2, 'content'],
  ['messages', 2, 'reasoning_content'],
  ['messages', 2, 'thinking_blocks'],
  ['messages', 2, 'thinking_blocks', 0, 'signature'],
  ['messages', 2, 'thinking_blocks', 0, 'thinking'],
  ['messages', 2, 'tool_calls'],
  ['messages', 2, 'tool_calls', 0, 'id'],
  ['messages', 2, 'tool_calls', 0, 'function', 'arguments'],
  ['messages', 3, 'tool_call_id'],
  ['messages', 3, 'content'],
  ['messages', 4, 'content'],
  ['messages', 5, 'content'],
  ['tools', 0, 'function', 'description'],
  ['tools', 0, 'function', 'parameters'],
  ['tools', 0, 'function', 'strict'],
  ['messages', 2, 'tool_calls', 0, 'function', 'name'],
  ['messages', 2, 'tool_calls', 0, 'function'],
  ['messages', 2, 'tool_calls', 0, 'type'],
  ['tools', 0, 'function', 'name'],
  ['tools', 0, 'function'],
  ['tools', 0, 'type'],
  ['messages', 1, 'content', 1, 'image_url', 'url'],
  ['messages', 1, 'content', 0],
  ['messages', 2, 'thinking_blocks', 0],
  ['messages', 0, 'content', 0, 'cache_control', 'type'],
  ['messages'],
  ['messages', 5],
  ['response_format', 'type'],
];
const VALUES: unknown[] = [null, '', '  ', [], {}, 0, true];

function withValue(request: Record<string, any>, path: (string | number)[], value: unknown): Record<string, any> {
  const copy = structuredClone(request);
  let at: any = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path.at(-1)!] = value;
  return copy;
}

function answerOf(provider: Provider): { model: string; exchange: Fixture['exchanges'][number] } {
  const fixture = JSON.parse(readFileSync(resolve(FIXTURES_DIR, SOURCE[provider]), 'utf8')) as Fixture;
  const [first] = fixture.exchanges;
  const request = { method: first!.request.method, path: first!.request.path };
  return { model: fixture.model, exchange: { request, response: first!.response } };
}

const outcomeOf = (run: FixtureRun): string => (run.ok ? 'a body' : `${run.error!.type} (${run.error!.message})`);

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard.uninstall());

const PROVIDERS = ['openai', 'anthropic', 'bedrock'] as const;

describe.each(PROVIDERS)('%s: odd values end in a body or a typed error, alike on both engines', (provider) => {
  it.each(PATHS.map((path) => [path.join('.'), path] as const))('%s', async (_label, path) => {
    const { model, exchange } = answerOf(provider);
    const problems: string[] = [];
    for (const value of VALUES) {
      const request = withValue(fullRequest(), path, value);
      const fixture = { name: `${provider}/odd`, provider, operation: 'chat', model, notes: '', request, exchanges: [exchange] };
      const legacy = await runFixture(fixture as unknown as Fixture, 'legacy', { timeoutMs: RUN_TIMEOUT_MS });
      const v2 = await runFixture(fixture as unknown as Fixture, 'v2', { timeoutMs: RUN_TIMEOUT_MS });
      const shown = JSON.stringify(value);
      for (const run of [legacy, v2]) {
        if (!run.ok && !CLIENT_ERROR_CLASSES.has(run.error!.type)) problems.push(`${shown}: ${run.engine} ended in ${outcomeOf(run)}`);
      }
      if (legacy.ok !== v2.ok || legacy.error?.type !== v2.error?.type) {
        problems.push(`${shown}: legacy ${outcomeOf(legacy)}, v2 ${outcomeOf(v2)}`);
      } else if (legacy.ok) {
        for (const d of diffJson(legacy.requests[0]?.body, v2.requests[0]?.body).slice(0, 3)) {
          problems.push(`${shown}: bodies differ at ${d.path}: legacy ${show(d.left)}, v2 ${show(d.right)}`);
        }
      }
    }
    guard.take();
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
