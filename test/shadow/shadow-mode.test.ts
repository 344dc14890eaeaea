// @retire-with-legacy: shadow mode replays the other engine: with one engine left there is none
// Shadow mode end to end (docs/shadow-mode.md): real engines against the fake provider (a real
// loopback server), the shadow engine against shadow mode's own in-process replay. Nothing of
// ours is mocked; the planted difference goes through the documented test-only seam.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName, ModelClient } from '../../src/core/model-client.ts';
import type { ClientFactory } from '../../src/config/client-factory.ts';
import type { ChatRequest, ProviderType } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import type { FaultScriptInput } from '../../src/testing/fake-provider/fault-script.ts';
import { wrapFactory as plantDifference } from '../harness/support/plant-difference.ts';
import { runScript } from '../harness/support/run-script.ts';

const KEYS = {
  openai: 'sk-fake-shadow-openai-key-0123456789',
  anthropic: 'fake-shadow-anthropic-key-0123456789',
  bedrock: 'fake-shadow-bedrock-api-key-0123456789',
} as const;
const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};
const PROVIDERS: ProviderType[] = ['openai', 'anthropic', 'bedrock'];
const PLANT_HOOK = 'test/harness/support/plant-difference.ts';

// Backoff waits are asked for (and recorded) but not waited out.
const QUICK_RUNTIME = { sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 1)) };

function config(url: string): unknown {
  return {
    providers: [
      { name: 'fake-openai', endpoint: `${url}/v1`, providerType: 'openai', apiKey: KEYS.openai },
      { name: 'fake-anthropic', endpoint: url, providerType: 'anthropic', apiKey: KEYS.anthropic },
      { name: 'fake-bedrock', endpoint: url, providerType: 'bedrock', region: 'us-east-1', apiKey: KEYS.bedrock },
    ],
    models: [
      { alias: 'chat-openai', model: MODELS.openai, provider: 'fake-openai', inferenceParameters: { temperature: 0.5, maxTokens: 64 } },
      { alias: 'chat-anthropic', model: MODELS.anthropic, provider: 'fake-anthropic', inferenceParameters: { maxTokens: 64 } },
      { alias: 'chat-bedrock', model: MODELS.bedrock, provider: 'fake-bedrock', inferenceParameters: { maxTokens: 64 } },
      {
        alias: 'embed-openai',
        model: 'text-embedding-3-small',
        provider: 'fake-openai',
        inferenceParameters: { generationType: 'embedding', dimensions: 8 },
      },
    ],
  };
}

const firstRequestIs429 = (provider: ProviderType): FaultScriptInput => [
  { match: { provider }, on: [1], fault: { kind: 'status', status: 429, retryAfter: '0.01' } },
];

const TOOLS: ChatRequest['tools'] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

let dir: string;
let fake: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-shadow-'));
});
afterEach(async () => {
  await registry?.close();
  await fake?.close();
  registry = undefined;
  fake = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A client passing everything to `inner` but what `overrides` replaces. */
function delegating(inner: ModelClient, overrides: Partial<Pick<ModelClient, 'chat' | 'embed' | 'close'>>): ModelClient {
  return {
    engine: inner.engine,
    providerType: inner.providerType,
    providerName: inner.providerName,
    modelAlias: inner.modelAlias,
    chat: overrides.chat ?? ((request, options) => inner.chat(request, options)),
    embed: overrides.embed ?? ((request, options) => inner.embed(request, options)),
    close: overrides.close ?? (() => inner.close()),
  };
}

/** A retry (429 then 200) and a two-step tool loop on one client: three canonical calls, four attempts. */
async function retryAndToolLoop(client: ModelClient, provider: ProviderType): Promise<void> {
  const model = MODELS[provider];
  const hello = await client.chat({ model, messages: [{ role: 'user', content: 'Hello' }] });
  expect(hello.choices[0].message.content).toBeTruthy();
  const asked = await client.chat({
    model,
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: TOOLS,
    tool_choice: 'required',
  });
  const calls = asked.choices[0].message.tool_calls ?? [];
  expect(calls.length).toBeGreaterThan(0);
  const answered = await client.chat({
    model,
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: calls },
      ...calls.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: '18C and sunny' })),
    ],
    tools: TOOLS,
  });
  expect(answered.choices[0].message.content).toBeTruthy();
}

describe('shadow mode', () => {
  for (const [primary, shadow] of [
    ['legacy', 'v2'],
    ['v2', 'legacy'],
  ] as [EngineName, EngineName][]) {
    for (const provider of PROVIDERS) {
      it(`${primary} primary / ${shadow} shadow on ${provider}: a 429-then-200 retry and a tool loop are compared in parity, with no extra provider request`, async () => {
        fake = await startFakeProvider({ script: firstRequestIs429(provider) });
        registry = createModelRegistry(config(fake.url) as never, {
          engine: primary,
          env: {},
          logger: silentLogger,
          runtime: QUICK_RUNTIME,
          shadow: { sampleRate: 1, maxCpuShare: 1 },
        });
        const client = await registry.getClient(`chat-${provider}`);
        expect(client.engine).toBe(primary);
        await retryAndToolLoop(client, provider);
        await registry.shadowIdle();
        // The provider saw the primary's attempts only: 1 retried call (2) + the tool loop (2).
        expect(fake.stats().requests).toBe(4);
        expect(registry.shadowSummary()).toEqual([
          expect.objectContaining({
            alias: `chat-${provider}`,
            providerType: provider,
            primary,
            shadow,
            sampled: 3,
            compared: 3,
            inParity: 3,
            outOfParity: 0,
            dropped: 0,
            failed: 0,
          }),
        ]);
        expect(registry.shadowSummary()[0].cpuMicros).toBeGreaterThan(0);
      }, 60_000);
    }
  }

  for (const [primary, shadow] of [
    ['legacy', 'v2'],
    ['v2', 'legacy'],
  ] as [EngineName, EngineName][]) {
    it(`${primary} primary / ${shadow} shadow: a connection reset then 200, and a 400 error, are compared in parity`, async () => {
      fake = await startFakeProvider({
        script: [
          { match: { provider: 'openai' }, on: [1], fault: { kind: 'reset' } },
          { match: { provider: 'anthropic' }, on: [1], fault: { kind: 'status', status: 400 } },
        ],
      });
      registry = createModelRegistry(config(fake.url) as never, {
        engine: primary,
        env: {},
        logger: silentLogger,
        runtime: QUICK_RUNTIME,
        shadow: { sampleRate: 1, maxCpuShare: 1 },
      });
      const openai = await registry.getClient('chat-openai');
      expect(
        (await openai.chat({ model: MODELS.openai, messages: [{ role: 'user', content: 'Hello' }] })).choices[0].message.content,
      ).toBeTruthy();
      const anthropic = await registry.getClient('chat-anthropic');
      await expect(anthropic.chat({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'Hello' }] })).rejects.toMatchObject({
        status: 400,
      });
      await registry.shadowIdle();
      expect(fake.stats().requests).toBe(3);
      expect(registry.shadowSummary()).toEqual([
        expect.objectContaining({ alias: 'chat-anthropic', sampled: 1, compared: 1, inParity: 1, failed: 0 }),
        expect.objectContaining({ alias: 'chat-openai', sampled: 1, compared: 1, inParity: 1, failed: 0 }),
      ]);
    });
  }

  it('compares an embedding call (v2 primary / legacy shadow) in parity', async () => {
    fake = await startFakeProvider();
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'v2',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1 },
    });
    const client = await registry.getClient('embed-openai');
    const result = await client.embed({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(result.data).toHaveLength(2);
    await registry.shadowIdle();
    expect(registry.shadowSummary()).toEqual([
      expect.objectContaining({ alias: 'embed-openai', sampled: 1, compared: 1, inParity: 1, outOfParity: 0 }),
    ]);
  });

  it('detects a planted translation difference, writes it as a fixture without secrets, and compare reproduces it offline', async () => {
    const out = join(dir, 'planted');
    fake = await startFakeProvider();
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'legacy',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1, fixturesDir: out, wrapShadowFactory: plantDifference },
    });
    for (const provider of PROVIDERS) {
      const client = await registry.getClient(`chat-${provider}`);
      // A key pasted into a prompt must not reach a fixture either (nor break the replay).
      await client.chat({
        model: MODELS[provider],
        messages: [{ role: 'user', content: `Hello from ${provider}, my key is ${KEYS[provider]}` }],
      });
    }
    await registry.shadowIdle();
    const summary = registry.shadowSummary();
    expect(summary.map((e) => [e.alias, e.compared, e.inParity, e.outOfParity, e.fixturesWritten])).toEqual([
      ['chat-anthropic', 1, 0, 1, 1],
      ['chat-bedrock', 1, 0, 1, 1],
      ['chat-openai', 1, 0, 1, 1],
    ]);
    expect(fake.stats().requests).toBe(3);

    const files = await filesUnder(out);
    const notes: string[] = [];
    expect(files.map((f) => f.slice(out.length + 1).split('/')[0])).toEqual(['anthropic', 'bedrock', 'openai']);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
      expect(text).not.toMatch(/"authorization"|"x-api-key"/i);
      const fixture = JSON.parse(text);
      expect(fixture.source).toMatch(/^shadow mode: /);
      expect(fixture.expect).toBeUndefined();
      expect(fixture.exchanges).toHaveLength(1);
      expect(fixture.notes).toMatch(/max_?tokens/i);
      notes.push(fixture.notes);
    }

    // Offline, with the same planted difference: compare finds it in every written call…
    const planted = await runScript('compare', ['--fixtures', out, '--json', join(dir, 'planted.json')], {
      env: { DD_COMPARE_TEST_HOOK: PLANT_HOOK },
      timeoutMs: 120_000,
    });
    expect(planted.code).toBe(1);
    expect(planted.stdout).toMatch(/^FAIL: 3 cases, 0 in parity/m);
    const report = JSON.parse(await readFile(join(dir, 'planted.json'), 'utf8'));
    expect(report.cases).toHaveLength(3);
    // Each case shows the very wire difference shadow mode saw live (named in the fixture's notes).
    for (const c of report.cases) {
      expect(c.parity).toBe(false);
      expect(notes.some((n) => n.includes(`${c.diffs[0].path}:`))).toBe(true);
    }
    // …and without it the recorded calls are in parity: the difference was the engine's, not the recording's.
    const clean = await runScript('compare', ['--fixtures', out], { timeoutMs: 120_000 });
    expect(clean.stdout).toMatch(/^PASS: 3 cases, 3 in parity \(100%\)/m);
    expect(clean.code).toBe(0);
  }, 240_000);

  for (const primary of ['legacy', 'v2'] as EngineName[]) {
    it(`${primary} primary: concurrent sampled calls keep their captures apart`, async () => {
      fake = await startFakeProvider({ latencyMs: 5 });
      registry = createModelRegistry(config(fake.url) as never, {
        engine: primary,
        env: {},
        logger: silentLogger,
        shadow: { sampleRate: 1, maxCpuShare: 1, queueSize: 16 },
      });
      const client = await registry.getClient('chat-openai');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: `Question number ${i}` }] }),
        ),
      );
      expect(results).toHaveLength(6);
      await registry.shadowIdle();
      expect(fake.stats().requests).toBe(6);
      // A capture holding another call's attempt would replay the wrong body or attempt count.
      expect(registry.shadowSummary()).toEqual([
        expect.objectContaining({ sampled: 6, compared: 6, inParity: 6, outOfParity: 0, failed: 0 }),
      ]);
    });
  }

  it('a throwing shadow leaves the primary result intact and is counted as failed', async () => {
    fake = await startFakeProvider();
    const throwing = (): ClientFactory => () => {
      throw new Error('planted shadow bug');
    };
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'legacy',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1, wrapShadowFactory: throwing },
    });
    const client = await registry.getClient('chat-openai');
    const result = await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: 'Hello' }] });
    expect(result.choices[0].message.content).toBeTruthy();
    await registry.shadowIdle();
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ sampled: 1, compared: 0, failed: 1 })]);
  });

  it('drops (and counts) sampled calls when the queue is full, never blocking the caller', async () => {
    fake = await startFakeProvider();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow =
      (_engine: EngineName, factory: ClientFactory): ClientFactory =>
      async (args) => {
        await gate;
        return factory(args);
      };
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'legacy',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1, queueSize: 1, wrapShadowFactory: slow },
    });
    const client = await registry.getClient('chat-openai');
    for (let i = 0; i < 4; i++) await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: `Hello ${i}` }] });
    // One shadow run holds the gate, one waits in the queue of size 1: the other two were dropped.
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ sampled: 4, dropped: 2, compared: 0 })]);
    release();
    await registry.shadowIdle();
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ sampled: 4, dropped: 2, compared: 2, inParity: 2 })]);
  });

  it('builds one shadow client per target and reuses it: calls in parity and out of parity alternate on it', async () => {
    fake = await startFakeProvider();
    const built: EngineName[] = [];
    const closed: EngineName[] = [];
    // Counts builds and closes; plants a wire difference (one more token) only in the calls whose text asks for it.
    const counting =
      (engine: EngineName, factory: ClientFactory): ClientFactory =>
      async (args) => {
        built.push(engine);
        const inner = await factory(args);
        return delegating(inner, {
          chat: (request, options) =>
            inner.chat(
              JSON.stringify(request.messages).includes('plant') ? { ...request, max_tokens: (request.max_tokens ?? 64) + 1 } : request,
              options,
            ),
          close: async () => {
            closed.push(engine);
            await inner.close();
          },
        });
      };
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'legacy',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1, wrapShadowFactory: counting },
    });
    const openai = await registry.getClient('chat-openai');
    const anthropic = await registry.getClient('chat-anthropic');
    for (const content of ['one', 'plant two', 'three', 'plant four', 'five']) {
      await openai.chat({ model: MODELS.openai, messages: [{ role: 'user', content }] });
      await anthropic.chat({ model: MODELS.anthropic, messages: [{ role: 'user', content }] });
    }
    await registry.shadowIdle();
    expect(registry.shadowSummary()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ alias: 'chat-openai', sampled: 5, compared: 5, inParity: 3, outOfParity: 2, failed: 0 }),
        expect.objectContaining({ alias: 'chat-anthropic', sampled: 5, compared: 5, inParity: 3, outOfParity: 2, failed: 0 }),
      ]),
    );
    expect(built).toEqual(['v2', 'v2']);
    expect(fake.stats().requests).toBe(10);
    await registry.close();
    expect(closed).toEqual(['v2', 'v2']);
  });

  it('close() lets the running shadow run finish, counts the waiting ones as dropped and closes the shadow clients', async () => {
    fake = await startFakeProvider();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let shadowClosed = 0;
    const slow =
      (_engine: EngineName, factory: ClientFactory): ClientFactory =>
      async (args) => {
        await gate;
        const inner = await factory(args);
        return delegating(inner, {
          close: async () => {
            shadowClosed += 1;
            await inner.close();
          },
        });
      };
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'v2',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1, queueSize: 4, wrapShadowFactory: slow },
    });
    const client = await registry.getClient('chat-openai');
    for (let i = 0; i < 3; i++) await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: `Hello ${i}` }] });
    const closing = registry.close();
    release();
    await closing;
    // The first run (held at its client's build) finished; the two waiting were dropped.
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ sampled: 3, compared: 1, inParity: 1, dropped: 2 })]);
    expect(shadowClosed).toBe(1);
    await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: 'after close' }] }).catch(() => undefined);
    expect(registry.shadowSummary()[0].sampled).toBe(3);
  });

  it('takes a sampled call only while the CPU budget covers it: the rest are dropped uncaptured, the primary untouched', async () => {
    fake = await startFakeProvider();
    // 0.1 % of a core holds 250 µs: enough to take one call (estimated at 1 ms only once nothing is pending), never a second.
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'v2',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 0.001 },
    });
    const client = await registry.getClient('chat-openai');
    for (let i = 0; i < 5; i++) {
      const result = await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: `Hello ${i}` }] });
      expect(result.choices[0].message.content).toBeTruthy();
    }
    await registry.shadowIdle();
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ sampled: 5, compared: 1, inParity: 1, dropped: 4, failed: 0 })]);
    expect(fake.stats().requests).toBe(5);
  });

  it.runIf(process.platform === 'linux')(
    'runs shadow calls on a worker thread at the lowest scheduling priority, gone after close()',
    async () => {
      const lowPriorityThreads = async () => {
        let count = 0;
        for (const task of await readdir('/proc/self/task')) {
          const stat = await readFile(`/proc/self/task/${task}/stat`, 'utf8').catch(() => '');
          // Field 19 (nice) counted from the pid; split after the ")" closing the thread's name.
          if (stat && stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16] === '19') count += 1;
        }
        return count;
      };
      expect(await lowPriorityThreads()).toBe(0);
      fake = await startFakeProvider();
      registry = createModelRegistry(config(fake.url) as never, {
        engine: 'v2',
        env: {},
        logger: silentLogger,
        shadow: { sampleRate: 1, maxCpuShare: 1 },
      });
      const client = await registry.getClient('chat-anthropic');
      await client.chat({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'Hello' }] });
      await registry.shadowIdle();
      expect(registry.shadowSummary()).toEqual([expect.objectContaining({ compared: 1, inParity: 1 })]);
      expect(await lowPriorityThreads()).toBe(1);
      await registry.close();
      expect(await lowPriorityThreads()).toBe(0);
    },
  );

  it('is off by default and at sample rate 0: no counters, calls untouched', async () => {
    fake = await startFakeProvider();
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'v2',
      env: { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0' },
      logger: silentLogger,
    });
    const client = await registry.getClient('chat-openai');
    await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: 'Hello' }] });
    expect(registry.shadowSummary()).toEqual([]);
  });

  it('takes its settings from DATA_DESIGNER_SHADOW_SAMPLE_RATE when no option is given', async () => {
    fake = await startFakeProvider();
    registry = createModelRegistry(config(fake.url) as never, {
      engine: 'v2',
      env: { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '1' },
      logger: silentLogger,
    });
    const client = await registry.getClient('chat-openai');
    await client.chat({ model: MODELS.openai, messages: [{ role: 'user', content: 'Hello' }] });
    await registry.shadowIdle();
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ primary: 'v2', shadow: 'legacy', sampled: 1, inParity: 1 })]);
  });
});

describe('shadow mode with SigV4 (Bedrock on the AWS credential chain)', () => {
  const AWS = {
    AWS_ACCESS_KEY_ID: 'AKIDFAKESHADOW000001',
    AWS_SECRET_ACCESS_KEY: 'fake-shadow-aws-secret-access-key-000111',
    AWS_SESSION_TOKEN: 'fake-shadow-aws-session-token-222333444',
  };
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(AWS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  for (const primary of ['legacy', 'v2'] as EngineName[]) {
    it(`${primary} primary: a signed call out of parity is written with no signature, token or key id`, async () => {
      const out = join(dir, `sigv4-${primary}`);
      fake = await startFakeProvider({
        awsCredentials: {
          accessKeyId: AWS.AWS_ACCESS_KEY_ID,
          secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY,
          sessionToken: AWS.AWS_SESSION_TOKEN,
        },
      });
      const signed = config(fake.url) as { providers: { name: string; apiKey?: string }[] };
      delete signed.providers.find((p) => p.name === 'fake-bedrock')!.apiKey;
      // The planted difference touches v2 only: with v2 primary the legacy shadow differs from it.
      registry = createModelRegistry(signed as never, {
        engine: primary,
        env: {},
        logger: silentLogger,
        shadow: { sampleRate: 1, maxCpuShare: 1, fixturesDir: out, wrapShadowFactory: plantDifference },
      });
      const client = await registry.getClient('chat-bedrock');
      const result = await client.chat({ model: MODELS.bedrock, messages: [{ role: 'user', content: 'Hello' }] });
      expect(result.choices[0].message.content).toBeTruthy();
      await registry.shadowIdle();
      expect(fake.stats().requests).toBe(1);
      const files = await filesUnder(out);
      expect(registry.shadowSummary()).toEqual([
        expect.objectContaining({ outOfParity: primary === 'legacy' ? 1 : 0, inParity: primary === 'legacy' ? 0 : 1 }),
      ]);
      expect(files).toHaveLength(primary === 'legacy' ? 1 : 0);
      for (const file of files) {
        const text = await readFile(file, 'utf8');
        for (const secret of Object.values(AWS)) expect(text).not.toContain(secret);
        expect(text).not.toMatch(/AWS4-HMAC-SHA256|x-amz-security-token|x-amz-date|Signature=/i);
      }
    }, 60_000);
  }
});
