// Issue 24, docs/engine-rules.md "Canonical request contract": what null, empty and blank values
// mean, and how a history from another provider is mapped. Every case runs through both engines
// against the replay server (the HTTP boundary) and judges the body each one sent, or the typed
// error it refused with. Bodies are answered with a real corpus response (the `SOURCE` fixtures).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/testing/fixture.ts';
import { runFixture, type FixtureRun } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { ENGINES, FIXTURES_DIR, RUN_TIMEOUT_MS } from './support.ts';

type Provider = Fixture['provider'];
type Body = Record<string, any>;
const PROVIDERS: Provider[] = ['openai', 'anthropic', 'bedrock'];
const SOURCE: Record<Provider, string> = {
  openai: 'openai/chat-plain-text.json',
  anthropic: 'anthropic/plain-text-max-tokens-default.json',
  bedrock: 'bedrock/system-prompt.json',
};

function answerOf(provider: Provider): { model: string; exchange: Fixture['exchanges'][number] } {
  const fixture = JSON.parse(readFileSync(resolve(FIXTURES_DIR, SOURCE[provider]), 'utf8')) as Fixture;
  const [first] = fixture.exchanges;
  // No recorded body: the exchange answers whatever body the engine sends, which the test reads.
  const request = { method: first!.request.method, path: first!.request.path };
  return { model: fixture.model, exchange: { request, response: first!.response } };
}

async function send(provider: Provider, engine: (typeof ENGINES)[number], request: Record<string, unknown>): Promise<FixtureRun> {
  const { model, exchange } = answerOf(provider);
  const fixture = { name: `${provider}/contract`, provider, operation: 'chat', model, notes: '', request, exchanges: [exchange] };
  return runFixture(fixture as unknown as Fixture, engine, { timeoutMs: RUN_TIMEOUT_MS });
}

async function bodyOf(provider: Provider, engine: (typeof ENGINES)[number], request: Record<string, unknown>): Promise<Body> {
  const run = await send(provider, engine, request);
  if (!run.ok) expect.fail(`${engine} ${provider}: expected a request, got ${run.error?.type}: ${run.error?.message}`);
  expect(run.attempts).toBe(1);
  return run.requests[0]!.body as Body;
}

type Refusal = { type: string; message: string };

async function refusal(provider: Provider, engine: (typeof ENGINES)[number], request: Record<string, unknown>): Promise<Refusal> {
  const run = await send(provider, engine, request);
  if (run.ok) expect.fail(`${engine} ${provider}: expected a local refusal, but it sent ${JSON.stringify(run.requests[0]?.body)}`);
  expect(run.attempts).toBe(0);
  return run.error!;
}

const PARAMETERS = { type: 'object', properties: { country: { type: 'string' } } };
const TOOL = { type: 'function', function: { name: 'get_capital', description: 'Capital of a country', parameters: PARAMETERS } };
const call = (id: string, name = 'get_capital', args = '{"country":"France"}') => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});
const answer = (id: string, content: unknown = 'Paris') => ({ role: 'tool', tool_call_id: id, content });
const USER = { role: 'user', content: 'What is the capital of France?' };

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard.uninstall());
beforeEach(() => {
  guard.take();
});

const TOP_LEVEL = [
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'max_tokens',
  'stop',
  'seed',
  'response_format',
  'n',
  'frequency_penalty',
  'presence_penalty',
  'extra_body',
  'extra_headers',
  'timeout_ms',
];

describe.each(ENGINES)('%s engine: null is unset (class 1)', (engine) => {
  for (const provider of PROVIDERS) {
    it.each(TOP_LEVEL)(`${provider}: %s: null sends the body of an absent key`, async (field) => {
      // Tools are defined (and used in the history, which Bedrock then requires) unless the field is `tools` itself.
      const history =
        field === 'tools'
          ? [USER]
          : [
              USER,
              { role: 'assistant', content: null, tool_calls: [call('call_1')] },
              { role: 'tool', tool_call_id: 'call_1', content: 'Paris' },
            ];
      const base: Record<string, unknown> = { messages: history, ...(field === 'tools' ? {} : { tools: [TOOL] }) };
      const absent = await bodyOf(provider, engine, base);
      const withNull = await bodyOf(provider, engine, { ...base, [field]: null });
      expect(withNull).toEqual(absent);
    });

    it(`${provider}: nulls inside messages, parts and tools send the body of absent keys`, async () => {
      const absent = {
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
          USER,
          { role: 'assistant', content: 'Checking.', tool_calls: [call('call_1')] },
          { role: 'tool', tool_call_id: 'call_1', content: 'Paris' },
          { role: 'assistant', content: 'Paris.' },
          { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
        ],
        tools: [{ type: 'function', function: { name: 'get_capital' } }],
      };
      const withNulls = {
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.', cache_control: null }] },
          USER,
          { role: 'assistant', content: 'Checking.', tool_calls: [call('call_1')], reasoning_content: null, thinking_blocks: null },
          answer('call_1'),
          { role: 'assistant', content: 'Paris.', tool_calls: null, thinking_blocks: null },
          { role: 'user', content: [{ type: 'text', text: 'Thanks', cache_control: null }] },
        ],
        tools: [{ type: 'function', function: { name: 'get_capital', description: null, parameters: null, strict: null } }],
      };
      const expected = await bodyOf(provider, engine, absent);
      const sent = await bodyOf(provider, engine, withNulls);
      if (provider === 'openai') {
        // OpenAI bodies carry messages as given, nulls included; the tool's null keys must not crash.
        expect(sent.messages.length).toBe(expected.messages.length);
      } else {
        expect(sent).toEqual(expected);
      }
    });

    it(`${provider}: stop: [] is unset; a non-string entry is refused naming its index`, async () => {
      expect(await bodyOf(provider, engine, { messages: [USER], stop: [] })).toEqual(await bodyOf(provider, engine, { messages: [USER] }));
      const error = await refusal(provider, engine, { messages: [USER], stop: ['END', null] });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toContain('stop[1]');
      expect((await refusal(provider, engine, { messages: [USER], stop: 5 })).type).toBe('ModelBadRequestError');
    });
  }
});

describe.each(ENGINES)('%s engine: blank text (class 2)', (engine) => {
  for (const provider of ['anthropic', 'bedrock'] as const) {
    it.each([[''], ['  \n\t']])(`${provider}: a user message whose text is %j is refused, naming the message and role`, async (blank) => {
      for (const content of [blank, [{ type: 'text', text: blank }]]) {
        const error = await refusal(provider, engine, {
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content },
          ],
        });
        expect(error.type).toBe('ModelBadRequestError');
        expect(error.message).toContain('message 1 (user)');
      }
    });

    it(`${provider}: blank text parts are left out, the rest is kept`, async () => {
      const content = [
        { type: 'text', text: '   ' },
        { type: 'text', text: 'Hi' },
      ];
      const body = await bodyOf(provider, engine, { messages: [{ role: 'user', content }] });
      const blocks = body.messages[0].content;
      expect(blocks).toHaveLength(1);
      expect(JSON.stringify(blocks)).toContain('"Hi"');
    });

    it(`${provider}: whitespace-only assistant text beside a tool call is left out; the call is kept`, async () => {
      const body = await bodyOf(provider, engine, {
        messages: [USER, { role: 'assistant', content: ' \n', tool_calls: [call('call_1')] }, answer('call_1')],
        tools: [TOOL],
      });
      const assistant = body.messages[1];
      expect(assistant.role).toBe('assistant');
      expect(assistant.content).toHaveLength(1);
      expect(JSON.stringify(assistant.content)).toMatch(provider === 'anthropic' ? /"type":"tool_use"/ : /"toolUse"/);
    });

    it(`${provider}: a blank system message sends no system prompt`, async () => {
      const body = await bodyOf(provider, engine, { messages: [{ role: 'system', content: ' ' }, USER] });
      expect('system' in body).toBe(false);
    });
  }

  it('openai: blank strings are sent unchanged', async () => {
    const body = await bodyOf('openai', engine, {
      messages: [
        { role: 'system', content: ' ' },
        { role: 'user', content: '' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'system', content: ' ' },
      { role: 'user', content: '' },
    ]);
  });
});

describe.each(ENGINES)('%s engine: tool names in the history (class 3)', (engine) => {
  for (const provider of ['anthropic', 'bedrock'] as const) {
    it(`${provider}: an assistant tool call named outside the rule is refused, naming the message and the name`, async () => {
      const error = await refusal(provider, engine, {
        messages: [
          USER,
          { role: 'assistant', content: null, tool_calls: [call('call_1', 'weather.get_forecast', '{}')] },
          { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'weather_get_forecast' } }],
      });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toContain('weather.get_forecast');
      expect(error.message).toContain('message 1');
    });

    it(`${provider}: a named tool_choice outside the rule is refused`, async () => {
      const toolChoice = { type: 'function', function: { name: 'get.capital' } };
      const error = await refusal(provider, engine, { messages: [USER], tools: [TOOL], tool_choice: toolChoice });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toContain('get.capital');
    });
  }
});

const STRICT_TOOL = { ...TOOL, function: { ...TOOL.function, strict: true } };

describe.each(ENGINES)('%s engine: strict (class 4)', (engine) => {
  it('anthropic: strict is sent as Tool.strict', async () => {
    const body = await bodyOf('anthropic', engine, { messages: [USER], tools: [STRICT_TOOL] });
    expect(body.tools[0].strict).toBe(true);
  });
  it('bedrock: strict is sent as toolSpec.strict', async () => {
    const body = await bodyOf('bedrock', engine, { messages: [USER], tools: [STRICT_TOOL] });
    expect(body.toolConfig.tools[0].toolSpec.strict).toBe(true);
  });
});

// Each assistant turn's call ids, and each tool-result turn's answered ids, read from a body.
function idTurns(provider: 'anthropic' | 'bedrock', body: Body): { calls: string[][]; results: string[][] } {
  const calls: string[][] = [];
  const results: string[][] = [];
  for (const message of body.messages) {
    const blocks: Body[] = Array.isArray(message.content) ? message.content : [];
    const anthropic = provider === 'anthropic';
    if (message.role === 'assistant') {
      const uses = blocks.filter((b) => (anthropic ? b.type === 'tool_use' : b.toolUse));
      calls.push(uses.map((b) => (anthropic ? b.id : b.toolUse.toolUseId)));
    }
    const answered = blocks
      .filter((b) => (anthropic ? b.type === 'tool_result' : b.toolResult))
      .map((b) => (anthropic ? b.tool_use_id : b.toolResult.toolUseId));
    if (answered.length > 0) results.push(answered);
  }
  return { calls, results };
}

describe.each(ENGINES)('%s engine: tool-use ids unique per request, pairing kept (class 5)', (engine) => {
  // What the response rule gives two identical calls with empty ids, in two turns: the same id.
  const repeated = 'call_2f2a2bd3d2c3a1e5';
  const history = [
    USER,
    { role: 'assistant', content: null, tool_calls: [call(repeated)] },
    { role: 'tool', tool_call_id: repeated, content: 'Paris' },
    { role: 'assistant', content: null, tool_calls: [call(repeated)] },
    { role: 'tool', tool_call_id: repeated, content: 'Paris' },
    { role: 'assistant', content: null, tool_calls: [call('dup'), call('dup', 'get_capital', '{"country":"Spain"}')] },
    { role: 'tool', tool_call_id: 'dup', content: 'Paris' },
    { role: 'tool', tool_call_id: 'dup', content: 'Madrid' },
  ];
  for (const provider of ['anthropic', 'bedrock'] as const) {
    it(`${provider}: repeated ids become unique wire ids and every result answers its own call`, async () => {
      const { calls, results } = idTurns(provider, await bodyOf(provider, engine, { messages: history, tools: [TOOL] }));
      const all = calls.flat();
      expect(all).toHaveLength(4);
      expect(new Set(all).size).toBe(4);
      expect(results).toEqual(calls);
      for (const id of all) expect(id).toMatch(provider === 'anthropic' ? /^[a-zA-Z0-9_-]+$/ : /^[a-zA-Z0-9_.:-]{1,64}$/);
      expect(all[0]).toBe(repeated); // the first use of an id is unchanged
    });
  }
  it('openai: ids are sent as given', async () => {
    const body = await bodyOf('openai', engine, { messages: history, tools: [TOOL] });
    expect(body.messages[3].tool_calls[0].id).toBe(repeated);
  });
});

describe.each(ENGINES)('%s engine: document parts where the provider cannot take them (class 6)', (engine) => {
  const file = { type: 'file', file: { filename: 'notes.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' } };
  for (const provider of PROVIDERS) {
    it(`${provider}: a file part in a system message is refused, not dropped`, async () => {
      const system = { role: 'system', content: [{ type: 'text', text: 'Use the notes.' }, file] };
      const error = await refusal(provider, engine, { messages: [system, USER] });
      expect(error.type).toBe('ModelUnsupportedCapabilityError');
      expect(error.message).toContain('file');
    });
    it(`${provider}: a file part in a tool message is refused, not dropped`, async () => {
      const error = await refusal(provider, engine, {
        messages: [USER, { role: 'assistant', content: null, tool_calls: [call('call_1')] }, answer('call_1', [file])],
        tools: [TOOL],
      });
      expect(error.type).toBe('ModelUnsupportedCapabilityError');
      expect(error.message).toContain('file');
    });
  }
});

describe.each(ENGINES)('%s engine: wrong-typed extra_headers and extra_body are refused without echoing them', (engine) => {
  // Headers and extra body fields carry credentials: a refusal names the field and its type only.
  const secret = 'live-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  for (const provider of PROVIDERS) {
    it.each(['extra_headers', 'extra_body'])(`${provider}: %s given as a string`, async (field) => {
      const error = await refusal(provider, engine, { messages: [USER], [field]: secret });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toContain(field);
      expect(error.message).not.toContain('9f8e7d6c5b4a');
    });
  }
});

// Issue 24, generated conformance (seed 24): the classes the generated suite still found on the
// merged contract, each pinned with the shrunk case (the bundled fixtures hold the same cases).
describe.each(ENGINES)('%s engine: one check order for a request with two problems (generated, class 1)', (engine) => {
  const file = { type: 'file', file: { file_id: 'file-abc123' } };
  const fileInTool = [USER, { role: 'assistant', content: null, tool_calls: [call('call_a1')] }, answer('call_a1', [file])];
  for (const provider of PROVIDERS) {
    it(`${provider}: a bad extra_headers name is refused before a file part in a tool message`, async () => {
      const error = await refusal(provider, engine, { messages: fileInTool, tools: [TOOL], extra_headers: { 'bad header': 'v' } });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toContain('bad header');
    });
    it(`${provider}: a file part in a tool message is refused before a max_tokens of 0`, async () => {
      const error = await refusal(provider, engine, { messages: fileInTool, tools: [TOOL], max_tokens: 0 });
      expect(error.type).toBe('ModelUnsupportedCapabilityError');
      expect(error.message).toContain('file');
    });
  }
  for (const provider of ['anthropic', 'bedrock'] as const) {
    it(`${provider}: a file part in a tool message is refused before a tool name outside the rule`, async () => {
      const badName = { ...TOOL, function: { ...TOOL.function, name: 'weather.get' } };
      const error = await refusal(provider, engine, { messages: fileInTool, tools: [TOOL, badName] });
      expect(error.type).toBe('ModelUnsupportedCapabilityError');
      expect(error.message).toContain('file');
    });
  }
});

describe.each(ENGINES)('%s engine: OpenAI content: [] (generated, class 2)', (engine) => {
  it('openai: a system message with an empty parts list is sent as "" (a list must have one part)', async () => {
    const body = await bodyOf('openai', engine, {
      messages: [
        { role: 'system', content: [] },
        { role: 'user', content: 'alpha' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'system', content: '' },
      { role: 'user', content: 'alpha' },
    ]);
  });
});

describe.each(ENGINES)('%s engine: blank parts of a joined tool result (generated, class 3)', (engine) => {
  const history = (content: unknown) => [
    USER,
    { role: 'assistant', content: 'alpha', tool_calls: [call('call_a1')] },
    answer('call_a1', content),
  ];
  it('anthropic: empty and whitespace-only parts are left out of the joined text', async () => {
    const parts = ['alpha', '', ' \n', 'beta'].map((text) => ({ type: 'text', text }));
    const body = await bodyOf('anthropic', engine, { messages: history(parts), tools: [TOOL] });
    expect(body.messages[2].content[0].content).toBe('alpha\nbeta');
  });
  it('bedrock: empty and whitespace-only parts are left out of the joined text', async () => {
    const parts = [
      { type: 'text', text: 'alpha' },
      { type: 'text', text: '' },
      { type: 'text', text: '\t' },
    ];
    const body = await bodyOf('bedrock', engine, { messages: history(parts), tools: [TOOL] });
    expect(body.messages[2].content[0].toolResult.content).toEqual([{ text: 'alpha' }]);
  });
});

describe.each(ENGINES)('%s engine: tool results right after their calls (generated, classes 4 and 5)', (engine) => {
  const calling = (...ids: string[]) => ({ role: 'assistant', content: null, tool_calls: ids.map((id) => call(id)) });
  for (const provider of ['anthropic', 'bedrock'] as const) {
    it(`${provider}: a tool result with no call before it is refused, naming the message and the id`, async () => {
      const messages = [USER, { role: 'assistant', content: 'alpha' }, answer('call_a1')];
      const error = await refusal(provider, engine, { messages, tools: [TOOL] });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toMatch(/message 2 \(tool\)/);
      expect(error.message).toContain('"call_a1"');
    });
    it(`${provider}: a second result answering a call the turn before did not make is refused`, async () => {
      const messages = [USER, calling('call_a1'), answer('call_a1'), answer('call_b2')];
      const error = await refusal(provider, engine, { messages, tools: [TOOL] });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toMatch(/message 3 \(tool\)/);
      expect(error.message).toContain('"call_b2"');
    });
    it(`${provider}: a call whose next turn has no result is refused, naming the message and the call`, async () => {
      // Bedrock joins two assistant messages into one turn, so there the next turn is the user's.
      const next = provider === 'anthropic' ? { role: 'assistant', content: 'alpha' } : { role: 'user', content: 'alpha' };
      const messages = [USER, calling('call_a1'), next, ...(provider === 'anthropic' ? [] : [{ role: 'assistant', content: 'beta' }])];
      const error = await refusal(provider, engine, { messages, tools: [TOOL] });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toMatch(/message 1 \(assistant\)/);
      expect(error.message).toContain('"call_a1"');
    });
    it(`${provider}: a call left unanswered because a user message comes first is refused`, async () => {
      const messages = [USER, calling('call_a1'), { role: 'user', content: 'and Spain?' }];
      const error = await refusal(provider, engine, { messages, tools: [TOOL] });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toMatch(/message 1 \(assistant\)/);
    });
    it(`${provider}: a repeated id answered once leaves its twin unanswered: refused naming the second call`, async () => {
      const messages = [USER, { ...calling('call_a1', 'call_a1'), content: 'alpha' }, answer('call_a1')];
      const error = await refusal(provider, engine, { messages, tools: [TOOL] });
      expect(error.type).toBe('ModelBadRequestError');
      expect(error.message).toMatch(/message 1 \(assistant\)/);
      expect(error.message).toContain('"call_a1"');
      expect(error.message).toMatch(/second|number 2/);
    });
    it(`${provider}: a request that ends on the assistant's calls is sent (nothing to answer yet)`, async () => {
      const body = await bodyOf(provider, engine, { messages: [USER, calling('call_a1')], tools: [TOOL] });
      expect(body.messages).toHaveLength(2);
    });
    it(`${provider}: calls answered in the next turn, in any order, are sent`, async () => {
      const messages = [USER, calling('call_a1', 'call_b2'), answer('call_b2', 'Madrid'), answer('call_a1')];
      const body = await bodyOf(provider, engine, { messages, tools: [TOOL] });
      expect(body.messages).toHaveLength(3);
    });
  }
});
