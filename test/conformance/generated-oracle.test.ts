// Issue 24: the finder finds. The generated suite's oracle (generated/oracle.ts) is run on known
// bodies: three real request bodies from the wire corpus, each beside the canonical request it
// carries, pass with no finding; each body broken the way one defect class breaks it (issue 24
// items 1–6, and the refusal and parity rules) is reported with that rule's kind. No engine runs
// here: this pins the judge, the generated suite pins the engines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, ProviderType } from '../../src/core/types.ts';
import { REPLAY_API_KEY } from '../../src/testing/run-fixture.ts';
import { WIRE_CORPUS_DIR } from '../shared-reference.ts';
import { HEADER_SECRET } from './generated/arbitraries.ts';
import { judgeCall, oracleRules, parityFindings, type OracleRules } from './generated/oracle.ts';
import type { CallResult } from './generated/wire-rig.ts';
import type { Validators } from './judge-request.ts';
import { readSpec, SPEC_FILES } from './spec-files.ts';
import { buildValidators } from './validators.ts';

// Bodies are edited in place by path; the corpus JSON has no static type.
type Json = Record<string, any>;

function corpusRequest(file: string): { path: string; body: Json } {
  const text = readFileSync(resolve(WIRE_CORPUS_DIR, file), 'utf8');
  const raw = JSON.parse(text) as { exchanges: { request: { path: string; body: Json } }[] };
  return raw.exchanges[0].request;
}

interface Known {
  source: string;
  provider: ProviderType;
  /** The canonical request the recorded body carries (OpenAI shape, docs/contract.md "Canonical types"). */
  request: Json;
}

const ANTHROPIC: Known = {
  source: 'anthropic/docs_tool_result_roundtrip.json',
  provider: 'anthropic',
  request: {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Get the current weather in a given location',
          parameters: corpusRequest('anthropic/docs_tool_result_roundtrip.json').body.tools[0].input_schema,
        },
      },
    ],
    messages: [
      { role: 'user', content: 'What is the weather like in San Francisco?' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: "I'll check the current weather in San Francisco for you." }],
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees' },
    ],
  },
};

const BEDROCK: Known = {
  source: 'bedrock/converse_tool_result_status_error.json',
  provider: 'bedrock',
  request: {
    model: 'us.amazon.nova-micro-v1:0',
    temperature: 0,
    tool_choice: 'auto',
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_capital',
          description: 'Get the capital of a country.',
          parameters: corpusRequest('bedrock/converse_tool_result_status_error.json').body.toolConfig.tools[0].toolSpec.inputSchema.json,
        },
      },
    ],
    messages: [
      { role: 'system', content: 'You are a helpful chatbot.' },
      { role: 'user', content: 'What is the capital of France?' },
      {
        role: 'assistant',
        content: corpusRequest('bedrock/converse_tool_result_status_error.json').body.messages[1].content[0].text,
        tool_calls: [
          { id: 'tooluse_Ze_bgl9CSqu8aJv7XD-_Dw', type: 'function', function: { name: 'get_capital', arguments: '{"country":"France"}' } },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'tooluse_Ze_bgl9CSqu8aJv7XD-_Dw',
        content: 'The country is not supported.\n\nFix the errors and try again.',
      },
    ],
  },
};

const OPENAI: Known = {
  source: 'openai/chat_tool_result_roundtrip.json',
  provider: 'openai',
  request: (() => {
    const { stream: _stream, ...rest } = corpusRequest('openai/chat_tool_result_roundtrip.json').body;
    return rest;
  })(),
};

let validators: Validators;
let rules: OracleRules;
beforeAll(() => {
  validators = buildValidators();
  rules = oracleRules(readSpec(SPEC_FILES.anthropic));
}, 120_000);

function sent(known: Known, edit: (body: Json) => void = () => {}): CallResult {
  const { path, body } = corpusRequest(known.source);
  edit(body);
  return { provider: known.provider, engine: 'legacy', requests: [{ method: 'POST', path, body }], ok: true, ms: 0 };
}

function thrown(provider: ProviderType, error: unknown, requests = 0): CallResult {
  const typed = error instanceof Error && 'retryable' in error;
  const name = error instanceof Error ? error.name : typeof error;
  return {
    provider,
    engine: 'legacy',
    requests: Array.from({ length: requests }, () => ({ method: 'POST', path: '/v1/messages', body: {} })),
    ok: false,
    error: {
      type: typed ? name : `Unmapped:${name}`,
      typed,
      message: (error as Error).message,
      causeChain: [`${name}: ${(error as Error).message}`],
    },
    ms: 0,
  };
}

const kinds = (request: Json, result: CallResult) =>
  judgeCall(request as ChatRequest, result, validators, rules).findings.map((f) => f.kind);
const withRequest = (known: Known, edit: (request: Json) => void): Json => {
  const request = structuredClone(known.request);
  edit(request);
  return request;
};

describe('the oracle passes real bodies with the request they carry', () => {
  for (const known of [ANTHROPIC, BEDROCK, OPENAI]) {
    it(`${known.source}: no finding`, () => {
      expect(judgeCall(known.request as ChatRequest, sent(known), validators, rules).findings).toEqual([]);
    });
  }
});

describe('each rule reports the body it exists for (issue 24 classes)', () => {
  it('1. null sent as a value: Anthropic temperature/stop_sequences, OpenAI tools: null, and the TypeError it caused', () => {
    const nulls = withRequest(ANTHROPIC, (r) => Object.assign(r, { temperature: null, stop: null }));
    const found = kinds(
      nulls,
      sent(ANTHROPIC, (b) => Object.assign(b, { temperature: null, stop_sequences: [null] })),
    );
    expect(found).toContain('spec $.temperature');
    expect(found).toContain('spec $.stop_sequences[*]');
    expect(found).toContain('rule:null-as-unset');
    expect(
      kinds(
        withRequest(OPENAI, (r) => (r.seed = null)),
        sent(OPENAI, (b) => (b.seed = null)),
      ),
    ).toEqual(['rule:null-as-unset']);
    const crash = thrown('anthropic', new TypeError("Cannot read properties of null (reading 'function')"));
    expect(
      kinds(
        withRequest(ANTHROPIC, (r) => (r.tool_choice = null)),
        crash,
      ),
    ).toEqual(['Unmapped:TypeError']);
  });

  it('2. blank text: whitespace beside a tool call (Anthropic), "" and [] turns (Bedrock), "" user content (Anthropic)', () => {
    const whitespace = sent(ANTHROPIC, (b) => (b.messages[1].content[0].text = '  '));
    expect(
      kinds(
        withRequest(ANTHROPIC, (r) => (r.messages[1].content[0].text = '  ')),
        whitespace,
      ),
    ).toEqual(['rule:non-blank-text']);
    const emptyUser = sent(ANTHROPIC, (b) => b.messages.splice(0, 0, { role: 'user', content: '' }, { role: 'assistant', content: 'ok' }));
    expect(kinds(ANTHROPIC.request, emptyUser)).toContain('rule:non-empty-content');
    expect(
      kinds(
        BEDROCK.request,
        sent(BEDROCK, (b) => (b.messages[0].content = [{ text: '' }])),
      ),
    ).toContain('rule:non-blank-text');
    expect(
      kinds(
        BEDROCK.request,
        sent(BEDROCK, (b) => (b.messages[0].content = [])),
      ),
    ).toContain('rule:non-empty-content');
  });

  it('3. a history tool name outside the provider pattern (Bedrock ToolName, Anthropic tool rule)', () => {
    const dotted = (r: Json) => (r.messages[2].tool_calls[0].function.name = 'weather.get_forecast');
    const dottedBody = sent(BEDROCK, (b) => (b.messages[1].content[1].toolUse.name = 'weather.get_forecast'));
    const bedrock = kinds(withRequest(BEDROCK, dotted), dottedBody);
    expect(bedrock).toContain('spec $.messages[*].content');
    const anthropic = kinds(
      withRequest(ANTHROPIC, (r) => (r.messages[1].tool_calls[0].function.name = 'weather.get_forecast')),
      sent(ANTHROPIC, (b) => (b.messages[1].content[1].name = 'weather.get_forecast')),
    );
    expect(anthropic).toEqual(['rule:history-tool-name']);
  });

  it('4. strict: true dropped (Anthropic Tool.strict, Bedrock ToolSpecification.strict); carried is fine', () => {
    const strict = (known: Known) => withRequest(known, (r) => (r.tools[0].function.strict = true));
    expect(kinds(strict(ANTHROPIC), sent(ANTHROPIC))).toEqual(['loss:strict']);
    expect(kinds(strict(BEDROCK), sent(BEDROCK))).toEqual(['loss:strict']);
    expect(
      kinds(
        strict(ANTHROPIC),
        sent(ANTHROPIC, (b) => (b.tools[0].strict = true)),
      ),
    ).toEqual([]);
    expect(
      kinds(
        strict(BEDROCK),
        sent(BEDROCK, (b) => (b.toolConfig.tools[0].toolSpec.strict = true)),
      ),
    ).toEqual([]);
  });

  it('5. one tool_use id twice in an Anthropic request', () => {
    const again = (r: Json) => {
      r.messages.push({ role: 'assistant', content: null, tool_calls: structuredClone(r.messages[1].tool_calls) }, { ...r.messages[2] });
    };
    const body = (b: Json) => b.messages.push(structuredClone(b.messages[1]), structuredClone(b.messages[2]));
    expect(kinds(withRequest(ANTHROPIC, again), sent(ANTHROPIC, body))).toEqual(['rule:unique-tool-use-id']);
  });

  it('6. a file part left out of a system or tool message, and one engine refusing what the other sends', () => {
    const file = { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQKJeLjz9MK' } };
    const request = withRequest(BEDROCK, (r) => (r.messages[0].content = [{ type: 'text', text: 'You are a helpful chatbot.' }, file]));
    expect(kinds(request, sent(BEDROCK))).toEqual(['loss:file-part']);
    const capability = new Error("cannot take a 'file' part in a system message (message 0, part 1)");
    const refused = thrown('bedrock', Object.assign(capability, { retryable: false, name: 'ModelUnsupportedCapabilityError' }));
    expect(parityFindings({ legacy: sent(BEDROCK), v2: { ...refused, engine: 'v2' } }).map((f) => f.kind)).toEqual(['parity:outcome']);
  });

  it('content conservation: a dropped text, tool call, tool result or re-paired result is reported', () => {
    expect(
      kinds(
        ANTHROPIC.request,
        sent(ANTHROPIC, (b) => b.messages[1].content.splice(0, 1)),
      ),
    ).toEqual(['loss:text']);
    const noResult = kinds(
      ANTHROPIC.request,
      sent(ANTHROPIC, (b) => (b.messages[2].content = [{ type: 'text', text: '15 degrees' }])),
    );
    expect(noResult).toEqual(expect.arrayContaining(['rule:call-answered-next', 'loss:tool-result']));
    const renamed = sent(BEDROCK, (b) => {
      b.messages[1].content[1].toolUse.toolUseId = 'other_id';
      b.messages[2].content[0].toolResult.toolUseId = 'elsewhere';
    });
    expect(kinds(BEDROCK.request, renamed)).toEqual(expect.arrayContaining(['rule:result-after-call', 'loss:pairing']));
    expect(
      kinds(
        withRequest(OPENAI, (r) => (r.temperature = 0.5)),
        sent(OPENAI),
      ),
    ).toEqual(['loss:temperature']);
  });

  it('refusals: typed, before the network, naming what to change; anything else is reported', () => {
    const typed = (message: string) => Object.assign(new Error(message), { retryable: false, name: 'ModelBadRequestError' });
    expect(kinds(ANTHROPIC.request, thrown('anthropic', typed('messages[2] (tool): tool_call_id is missing')))).toEqual([]);
    expect(kinds(ANTHROPIC.request, thrown('anthropic', typed('Bad request.')))).toEqual(['refusal-unnamed']);
    expect(kinds(ANTHROPIC.request, thrown('anthropic', typed('messages[2]: bad'), 1))).toEqual(['refused-after-send']);
    expect(kinds(ANTHROPIC.request, thrown('anthropic', new RangeError('Invalid array length')))).toEqual(['Unmapped:RangeError']);
    expect(kinds(ANTHROPIC.request, thrown('anthropic', typed(`messages[0]: key ${REPLAY_API_KEY} refused`)))).toContain('secret-in-error');
    const header = typed(`extra_headers: header 'x-note' has a control character in 'line\r\n ${HEADER_SECRET}'`);
    expect(kinds(ANTHROPIC.request, thrown('anthropic', header))).toEqual(['secret-in-error']);
    const inBody = sent(ANTHROPIC, (b) => (b.metadata = { user_id: HEADER_SECRET }));
    expect(kinds(ANTHROPIC.request, inBody)).toEqual(['secret-in-body']);
  });

  it('parity: equal bodies pass, a different body or error class is reported', () => {
    expect(parityFindings({ legacy: sent(OPENAI), v2: { ...sent(OPENAI), engine: 'v2' } })).toEqual([]);
    const other = { ...sent(OPENAI, (b) => (b.n = 2)), engine: 'v2' as const };
    expect(parityFindings({ legacy: sent(OPENAI), v2: other }).map((f) => f.kind)).toEqual(['parity:body']);
  });
});
