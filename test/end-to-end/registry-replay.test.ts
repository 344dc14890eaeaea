// The registry, the facade and each engine, end to end against recorded traffic: the engine
// switch decides which implementation talks to the msw-backed replay server, and the replay
// proves the wire body equals the recording.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, ENGINE_ENV_VAR, type EngineOption, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ChatResponse } from '../../src/core/types.ts';
import { loadFixtureFile, replayEndpoint, type Fixture } from '../../src/testing/fixture.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { startReplayServer, type ReplayServer } from '../../src/testing/replay-server.ts';

const FIXTURES = [
  'test/fixtures/openai/system-prompt.json',
  'test/fixtures/anthropic/plain-text-max-tokens-default.json',
  'test/fixtures/bedrock/system-prompt.json',
];

// Only the SDKs add these; legacy's hand-rolled requests never carry them.
function sentBySdk(headers: Record<string, string>): boolean {
  return 'x-stainless-lang' in headers || /aws-sdk-js/.test(headers['user-agent'] ?? '') || 'amz-sdk-invocation-id' in headers;
}

let server: ReplayServer | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await server?.close();
  registry = undefined;
  server = undefined;
});

async function generateThrough(file: string, engine: { option?: EngineOption; env: Record<string, string> }) {
  const fixture: Fixture = await loadFixtureFile(file);
  server = await startReplayServer(fixture.exchanges);
  const messages = (fixture.request as { messages: { role: string; content: string }[] }).messages;
  registry = createModelRegistry(
    {
      providers: [
        {
          name: 'replay',
          endpoint: replayEndpoint(fixture, server.origin),
          providerType: fixture.provider,
          apiKey: 'replay-key-not-a-secret',
          region: fixture.provider === 'bedrock' ? 'us-east-1' : undefined,
        },
      ],
      models: [{ alias: 'text', model: fixture.model, provider: 'replay' }],
    },
    { engine: engine.option, env: engine.env, logger: silentLogger },
  );
  const { output } = await registry.getModel('text').generate(messages.at(-1)!.content, {
    systemPrompt: messages.find((m) => m.role === 'system')?.content,
  });
  const expected = (fixture.expect as unknown as { response: ChatResponse }).response.choices[0].message.content;
  return { output, expected, requests: server.requests, diffs: server.diffs() };
}

describe.each(FIXTURES)('registry → facade → engine → replay of %s', (file) => {
  it.runIf(ENGINES.includes('legacy'))("engine: 'legacy' generates the recorded answer with the recorded wire body", async () => {
    const run = await generateThrough(file, { option: 'legacy', env: { [ENGINE_ENV_VAR]: '1' } });
    expect(registry!.engineFor('text')).toBe('legacy');
    expect(run.output).toBe(run.expected!.trim());
    expect(run.diffs).toEqual([]);
    expect(run.requests).toHaveLength(1);
    expect(sentBySdk(run.requests[0].headers)).toBe(false);
  });

  it('DATA_DESIGNER_ASYNC_ENGINE=1 routes the same call through v2 (the official SDK) end to end', async () => {
    const run = await generateThrough(file, { env: { [ENGINE_ENV_VAR]: '1' } });
    expect(registry!.engines).toEqual({ openai: 'v2', anthropic: 'v2', bedrock: 'v2' });
    expect(run.output).toBe(run.expected!.trim());
    expect(run.diffs).toEqual([]);
    expect(sentBySdk(run.requests[0].headers)).toBe(true);
  });
});
