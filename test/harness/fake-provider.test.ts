// The fake provider (docs/contract.md "Fake provider"): deterministic answers in each provider's real wire shape, the
// rejections a translation bug would meet upstream, capacity 429s and scripted faults.
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { REPO_ROOT, runScript } from './support/run-script.ts';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  fake = await startFakeProvider(options);
  return fake;
}

const OPENAI_AUTH = { authorization: 'Bearer test-key' };
const ANTHROPIC_AUTH = { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };
const BEDROCK_BEARER = { authorization: 'Bearer bedrock-api-key' };
const BEDROCK_SIGV4 = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
  'x-amz-date': '20260101T000000Z',
};

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(`${fake!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

const hello = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello' }] };
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
  },
};

describe('fake provider: answers', () => {
  it('answers OpenAI chat deterministically in the real shape, with usage', async () => {
    await start();
    const first = await post('/v1/chat/completions', hello, OPENAI_AUTH);
    const second = await post('/v1/chat/completions', hello, OPENAI_AUTH);
    expect(first.status).toBe(200);
    expect(first.json).toEqual(second.json);
    expect(first.json).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1-mini',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: expect.any(String) } }],
      usage: { prompt_tokens: 1, total_tokens: expect.any(Number) },
    });
    const other = await post('/v1/chat/completions', { ...hello, messages: [{ role: 'user', content: 'Something else' }] }, OPENAI_AUTH);
    expect(other.json.choices[0].message.content).not.toBe(first.json.choices[0].message.content);
  });

  it('calls the tool when tool_choice requires one, with arguments that fit the schema', async () => {
    await start();
    const { json } = await post('/v1/chat/completions', { ...hello, tools: [weatherTool], tool_choice: 'required' }, OPENAI_AUTH);
    const call = json.choices[0].message.tool_calls[0];
    expect(json.choices[0].finish_reason).toBe('tool_calls');
    expect(json.choices[0].message.content).toBeNull();
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);
    // tool_choice auto answers in text
    const auto = await post('/v1/chat/completions', { ...hello, tools: [weatherTool], tool_choice: 'auto' }, OPENAI_AUTH);
    expect(auto.json.choices[0].message.tool_calls).toBeUndefined();
  });

  it('cuts at max_tokens (finish length) and honours stop sequences', async () => {
    await start();
    const { json } = await post('/v1/chat/completions', { ...hello, max_tokens: 2 }, OPENAI_AUTH);
    expect(json.choices[0].finish_reason).toBe('length');
    expect(json.choices[0].message.content.split(' ')).toHaveLength(2);
    expect(json.usage.completion_tokens).toBe(2);
  });

  it('returns the same vectors as floats and as little-endian float32 base64', async () => {
    await start();
    const body = { model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 8 };
    const floats = await post('/v1/embeddings', body, OPENAI_AUTH);
    const base64 = await post('/v1/embeddings', { ...body, encoding_format: 'base64' }, OPENAI_AUTH);
    expect(floats.json.data).toHaveLength(2);
    expect(floats.json.data[0].embedding).toHaveLength(8);
    const decoded = Buffer.from(base64.json.data[1].embedding, 'base64');
    const values = Array.from({ length: decoded.length / 4 }, (_, i) => decoded.readFloatLE(i * 4));
    expect(values).toEqual(floats.json.data[1].embedding);
    expect(floats.json.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('answers Anthropic messages, forced tool_use and thinking blocks', async () => {
    await start();
    const text = await post(
      '/v1/messages',
      { model: 'claude-sonnet-4-5', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] },
      ANTHROPIC_AUTH,
    );
    expect(text.status).toBe(200);
    expect(text.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      content: [{ type: 'text' }],
      usage: { input_tokens: 3 },
    });
    const tool = await post(
      '/v1/messages',
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [{ name: 'get_weather', input_schema: weatherTool.function.parameters }],
        tool_choice: { type: 'any' },
      },
      ANTHROPIC_AUTH,
    );
    expect(tool.json.stop_reason).toBe('tool_use');
    expect(tool.json.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: expect.any(String) } });
    const thinking = await post(
      '/v1/messages',
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'Think' }],
      },
      ANTHROPIC_AUTH,
    );
    expect(thinking.json.content.map((b: { type: string }) => b.type)).toEqual(['thinking', 'text']);
    expect(thinking.json.content[0].signature).toEqual(expect.any(String));
  });

  it('answers Bedrock Converse (model id URL-encoded) with text and forced toolUse', async () => {
    await start();
    const path = `/model/${encodeURIComponent('us.amazon.nova-micro-v1:0')}/converse`;
    const text = await post(
      path,
      { messages: [{ role: 'user', content: [{ text: 'Hello' }] }], inferenceConfig: { maxTokens: 50 } },
      BEDROCK_SIGV4,
    );
    expect(text.status).toBe(200);
    expect(text.json).toMatchObject({
      output: { message: { role: 'assistant', content: [{ text: expect.any(String) }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 1 },
    });
    const tool = await post(
      path,
      {
        messages: [{ role: 'user', content: [{ text: 'Capital?' }] }],
        toolConfig: {
          tools: [
            {
              toolSpec: {
                name: 'get_capital',
                inputSchema: { json: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] } },
              },
            },
          ],
          toolChoice: { any: {} },
        },
      },
      BEDROCK_BEARER,
    );
    expect(tool.json.stopReason).toBe('tool_use');
    expect(tool.json.output.message.content[0].toolUse).toMatchObject({ name: 'get_capital', input: { country: expect.any(String) } });
  });

  it('answers Bedrock InvokeModel for Titan and Cohere v3/v4 bodies, with the token-count header', async () => {
    await start();
    const titan = await post(
      `/model/${encodeURIComponent('amazon.titan-embed-text-v2:0')}/invoke`,
      { inputText: 'Hello world', dimensions: 256 },
      BEDROCK_SIGV4,
    );
    expect(titan.status).toBe(200);
    expect(titan.json.embedding).toHaveLength(256);
    expect(titan.json).toMatchObject({ inputTextTokenCount: 2, embeddingsByType: { float: titan.json.embedding } });
    expect(titan.headers.get('x-amzn-bedrock-input-token-count')).toBe('2');
    const v3 = await post(
      '/model/cohere.embed-english-v3/invoke',
      { texts: ['Hello World'], input_type: 'search_document' },
      BEDROCK_SIGV4,
    );
    expect(v3.json).toMatchObject({ response_type: 'embeddings_floats', texts: ['hello world'] });
    expect(v3.json.embeddings[0]).toHaveLength(64);
    const v4 = await post('/model/cohere.embed-v4%3A0/invoke', { texts: ['a', 'b'], input_type: 'search_query' }, BEDROCK_SIGV4);
    expect(v4.json.response_type).toBe('embeddings_by_type');
    expect(v4.json.embeddings.float).toHaveLength(2);
  });
});

describe('fake provider: rejections the real providers make', () => {
  it('401 without credentials, in each provider’s shape', async () => {
    await start();
    const openai = await post('/v1/chat/completions', hello);
    expect(openai.status).toBe(401);
    expect(openai.json.error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining("didn't provide an API key"),
    });
    const anthropic = await post(
      '/v1/messages',
      { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(anthropic.status).toBe(401);
    expect(anthropic.json).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
    const bedrock = await post(
      '/model/m/converse',
      { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] },
      { authorization: 'Basic abc' },
    );
    expect(bedrock.status).toBe(401);
    expect(bedrock.headers.get('x-amzn-errortype')).toMatch(/^UnrecognizedClientException:/);
    expect(bedrock.json).toEqual({ message: expect.stringContaining('Missing Authentication Token') });
  });

  it('accepts requests without credentials when auth is not required (keyless OpenAI-compatible servers)', async () => {
    await start({ requireAuth: false });
    expect((await post('/v1/chat/completions', hello)).status).toBe(200);
  });

  it('Anthropic: 400 invalid_request_error without max_tokens', async () => {
    await start();
    const { status, json } = await post(
      '/v1/messages',
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] },
      ANTHROPIC_AUTH,
    );
    expect(status).toBe(400);
    expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });

  it('Anthropic: 400 for a tool_result without a preceding tool_use, and for tool blocks without tools', async () => {
    await start();
    const orphan = await post(
      '/v1/messages',
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: 'Let me check.' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: '18C' }] },
        ],
      },
      ANTHROPIC_AUTH,
    );
    expect(orphan.status).toBe(400);
    expect(orphan.json.error.message).toMatch(/unexpected `tool_use_id` found in `tool_result` blocks: toolu_missing/);
    const noTools = await post(
      '/v1/messages',
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' }] },
        ],
      },
      ANTHROPIC_AUTH,
    );
    expect(noTools.status).toBe(400);
    expect(noTools.json.error.message).toBe('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  });

  it('Bedrock: 400 ValidationException (x-amzn-errortype) for tool history without toolConfig', async () => {
    await start();
    const { status, headers, json } = await post(
      '/model/us.amazon.nova-micro-v1%3A0/converse',
      {
        messages: [
          { role: 'user', content: [{ text: 'Capital?' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_capital', input: {} } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'Paris' }] } }] },
        ],
      },
      BEDROCK_SIGV4,
    );
    expect(status).toBe(400);
    expect(headers.get('x-amzn-errortype')).toMatch(/^ValidationException:http:\/\/internal\.amazon\.com/);
    expect(json).toEqual({ message: 'The toolConfig field must be defined when using toolUse and toolResult content blocks.' });
  });

  it('Bedrock: verifies SigV4 against known credentials, host included (403 InvalidSignatureException)', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-signing' };
    await start({ awsCredentials: credentials });
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Sha256 } = await import('@aws-crypto/sha256-js');
    const signer = new SignatureV4({ service: 'bedrock', region: 'us-east-1', credentials, sha256: Sha256 });
    const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] });
    const path = '/model/us.amazon.nova-micro-v1%3A0/converse';
    const signedFor = async (host: string) =>
      (
        await signer.sign({
          method: 'POST',
          protocol: 'http:',
          hostname: host.split(':')[0],
          port: Number(host.split(':')[1]),
          path,
          query: {},
          headers: { host, 'content-type': 'application/json' },
          body,
        })
      ).headers as Record<string, string>;
    const host = new URL(fake!.url).host;
    const good = await post(path, body, await signedFor(host));
    expect(good.status).toBe(200);
    const elsewhere = await post(path, body, { ...(await signedFor('127.0.0.1:1')), host });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('x-amzn-errortype')).toMatch(/^InvalidSignatureException:/);
    const tampered = await post(path, body.replace('Hi', 'Ho'), await signedFor(host));
    expect(tampered.status).toBe(403);
  });

  it('OpenAI: 400 for a tool message that answers no tool call', async () => {
    await start();
    const { status, json } = await post(
      '/v1/chat/completions',
      {
        ...hello,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'tool', tool_call_id: 'call_x', content: '1' },
        ],
      },
      OPENAI_AUTH,
    );
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: 'messages.[1].role' });
  });

  it('Cohere: 400 without input_type; unknown paths 404', async () => {
    await start();
    const cohere = await post('/model/cohere.embed-english-v3/invoke', { texts: ['a'] }, BEDROCK_SIGV4);
    expect(cohere.status).toBe(400);
    expect(cohere.json.message).toMatch(/required key \[input_type\] not found/);
    expect((await post('/v1/completions', {}, OPENAI_AUTH)).status).toBe(404);
  });
});

describe('fake provider: capacity and faults', () => {
  it('answers 429 with retry-after above its capacity', async () => {
    await start({ capacity: 1, latencyMs: 300, retryAfterSeconds: 2 });
    const results = await Promise.all([0, 1, 2].map(() => post('/v1/chat/completions', hello, OPENAI_AUTH)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429, 429]);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(fake!.stats()).toMatchObject({ requests: 3, rejectedByCapacity: 2 });
    // Capacity frees up once the slow request is done.
    expect((await post('/v1/chat/completions', hello, OPENAI_AUTH)).status).toBe(200);
  });

  it('scripted status faults hit the chosen requests, in the provider’s shape', async () => {
    await start({
      script: [
        { match: { provider: 'anthropic' }, on: [1, 2], fault: { kind: 'status', status: 529, retryAfter: '0.5' } },
        { match: { provider: 'bedrock' }, on: [1], fault: { kind: 'status', status: 429, headers: { 'x-should-retry': 'true' } } },
      ],
    });
    const body = { model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] };
    const first = await post('/v1/messages', body, ANTHROPIC_AUTH);
    const second = await post('/v1/messages', body, ANTHROPIC_AUTH);
    const third = await post('/v1/messages', body, ANTHROPIC_AUTH);
    expect([first.status, second.status, third.status]).toEqual([529, 529, 200]);
    expect(first.json.error.type).toBe('overloaded_error');
    expect(first.headers.get('retry-after')).toBe('0.5');
    const bedrock = await post('/model/m/converse', { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }, BEDROCK_SIGV4);
    expect(bedrock.status).toBe(429);
    expect(bedrock.headers.get('x-amzn-errortype')).toMatch(/^ThrottlingException:/);
    expect(bedrock.headers.get('x-should-retry')).toBe('true');
    expect((await post('/v1/chat/completions', hello, OPENAI_AUTH)).status).toBe(200);
  });

  it('a body match picks one text of a batch whatever its arrival order', async () => {
    await start({
      script: [{ match: { body: '"inputText":"text 4"' }, fault: { kind: 'status', status: 400, type: 'ValidationException' } }],
    });
    const statuses: number[] = [];
    for (const text of ['text 40', 'text 4', 'text 3', 'text 4']) {
      statuses.push((await post('/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: text }, BEDROCK_SIGV4)).status);
    }
    // `"text 4"` with its closing quote: "text 40" is another text.
    expect(statuses).toEqual([200, 400, 200, 400]);
    expect(fake!.stats().faults).toBe(2);
  });

  it('resets the connection or truncates the body on request', async () => {
    await start({
      script: [
        { on: [1], fault: { kind: 'reset' } },
        { on: [2], fault: { kind: 'truncate' } },
        { on: [3], fault: { kind: 'truncate', closeConnection: false, keepFraction: 0.3 } },
      ],
    });
    await expect(post('/v1/chat/completions', hello, OPENAI_AUTH)).rejects.toThrow();
    await expect(post('/v1/chat/completions', hello, OPENAI_AUTH)).rejects.toThrow();
    const cut = await post('/v1/chat/completions', hello, OPENAI_AUTH);
    expect(cut.status).toBe(200);
    expect(typeof cut.json).toBe('string'); // not parseable JSON
    expect((await post('/v1/chat/completions', hello, OPENAI_AUTH)).status).toBe(200);
    expect(fake!.stats().faults).toBe(3);
  });

  it('delays on request, and a fault rate picks failures reproducibly from its seed', async () => {
    await start({ script: [{ on: [1], fault: { kind: 'delay', ms: 200 } }] });
    const started = Date.now();
    expect((await post('/v1/chat/completions', hello, OPENAI_AUTH)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await fake!.close();

    const pattern = async (): Promise<number[]> => {
      fake = await startFakeProvider({ faultRate: 0.5, seed: 7, faultKinds: [{ kind: 'status', status: 503 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await post('/v1/chat/completions', hello, OPENAI_AUTH)).status);
      await fake.close();
      fake = undefined;
      return statuses;
    };
    const first = await pattern();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern()).toEqual(first);
  });
});

describe('fake provider CLI', () => {
  it('prints its URL first, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['scripts/fake-provider.ts', '--port', '0', '--capacity', '4'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    while (!stdout.includes('\n')) await once(child.stdout, 'data');
    const url = stdout.split('\n')[0];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: OPENAI_AUTH, body: JSON.stringify(hello) });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
  });

  it('rejects a bad flag with exit 2 and one line', async () => {
    const result = await runScript('fake-provider', ['--fault-rate', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['fake-provider: --fault-rate must be a number ≥ 0 and ≤ 1, got "2"']);
  });
});
