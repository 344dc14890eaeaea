// @retire-with-legacy: shadow mode replays the other engine: with one engine left there is none
// Shadow mode redacts what it keeps by one rule (docs/shadow-mode.md, "Redaction"): secrets are
// removed from decoded values. The raw request body the primary sent and the canonical request
// the shadow replays must come out of it alike, or an ordinary prompt that merely looks like a
// credential is reported out of parity (issue 25, item 5). Real engines against the fake
// provider (a real loopback server); nothing of ours is mocked.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ChatMessage, ChatRequest, ProviderType } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';

const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};
const PROVIDERS: ProviderType[] = ['openai', 'anthropic', 'bedrock'];

function config(url: string): unknown {
  return {
    providers: [
      { name: 'fake-openai', endpoint: `${url}/v1`, providerType: 'openai', apiKey: 'fake-redaction-openai-key-01234' },
      { name: 'fake-anthropic', endpoint: url, providerType: 'anthropic', apiKey: 'fake-redaction-anthropic-key-01234' },
      { name: 'fake-bedrock', endpoint: url, providerType: 'bedrock', region: 'us-east-1', apiKey: 'fake-redaction-bedrock-01234' },
    ],
    models: PROVIDERS.map((provider) => ({
      alias: `chat-${provider}`,
      model: MODELS[provider],
      provider: `fake-${provider}`,
      inferenceParameters: { maxTokens: 64 },
    })),
  };
}

// Ordinary prompts a user may well send: text about credentials, not credentials of ours.
const PROMPTS = [
  'Explain this header: Authorization: Bearer abcdefgh12345',
  'Authorization: Bearer abcdefgh12345\nwhat does that line do?',
  'Here is a line from my notes:\nsk-abcdefghijklmnopqrstuvwx\nis that a key format?',
  'Config dump:\n{"x-api-key": "abcdefgh12345", "other": 1}',
  'Send x-amz-security-token=AbCdEf0123456789\tthen sign',
];

const TOOLS: ChatRequest['tools'] = [
  { type: 'function', function: { name: 'call_api', description: 'Calls an API', parameters: { type: 'object', properties: {} } } },
];

// A tool loop whose arguments (a JSON string in the canonical request, an object on the Anthropic
// and Bedrock wire) name a header and a key-shaped value.
const TOOL_LOOP: ChatMessage[] = [
  { role: 'user', content: 'Call the API' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'call_api', arguments: '{"authorization":"xyz987654321","key":"sk-abcdefghijklmnop"}' },
      },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: '{"status":"ok"}' },
];

let fake: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await fake?.close();
  registry = undefined;
  fake = undefined;
});

const CALLS = PROMPTS.length + 1;

describe('shadow mode: prompts and tool arguments that look like credentials', () => {
  for (const [primary, shadow] of [
    ['legacy', 'v2'],
    ['v2', 'legacy'],
  ] as [EngineName, EngineName][]) {
    it(`${primary} primary / ${shadow} shadow: every call is in parity on all three providers`, async () => {
      fake = await startFakeProvider();
      const shadowing = { sampleRate: 1, maxCpuShare: 1 };
      registry = createModelRegistry(config(fake.url) as never, { engine: primary, env: {}, logger: silentLogger, shadow: shadowing });
      for (const provider of PROVIDERS) {
        const client = await registry.getClient(`chat-${provider}`);
        for (const content of PROMPTS) await client.chat({ model: MODELS[provider], messages: [{ role: 'user', content }] });
        await client.chat({ model: MODELS[provider], messages: TOOL_LOOP, tools: TOOLS });
      }
      await registry.shadowIdle();
      const rows = registry.shadowSummary().map((e) => [e.alias, e.compared, e.inParity, e.outOfParity, e.failed]);
      expect(rows).toEqual([...PROVIDERS].sort().map((provider) => [`chat-${provider}`, CALLS, CALLS, 0, 0]));
    }, 60_000);
  }
});
