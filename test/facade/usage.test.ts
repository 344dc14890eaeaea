// Usage accounting (reference §5.6, case 50): unit rules, then a scripted mixed run through a
// real registry on both engines whose totals must come out exactly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelBadRequestError } from '../../src/core/errors.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { jsonParser } from '../../src/facade/parsers/index.ts';
import { ModelUsageStats, formatUsageSummary } from '../../src/facade/usage.ts';
import { openaiEmbeddingReply, openaiErrorReply, openaiKit } from './helpers/provider-replies.ts';
import { createModelRegistry } from '../../src/index.ts';
import { ENGINES, fastRuntime, scriptedConfig, scriptedRegistry } from './helpers/scripted-registry.ts';
import { ScriptedProvider } from './helpers/scripted-provider.ts';

describe('ModelUsageStats', () => {
  it('adds tokens from each success, counts failures, and summarises rates over the elapsed time', () => {
    let now = 1_000;
    const stats = new ModelUsageStats(() => now);
    expect(stats.hasUsage).toBe(false);
    stats.recordSuccess({ prompt_tokens: 10, completion_tokens: 8, total_tokens: 18, reasoning_tokens: 3 });
    stats.recordSuccess({ prompt_tokens: 0, completion_tokens: 8, total_tokens: 8 });
    stats.recordSuccess(undefined);
    stats.recordFailure();
    stats.recordToolGeneration(2, 1);
    stats.recordToolGeneration(0, 0);
    now += 2_000;
    const summary = stats.summary();
    expect(summary.tokens).toEqual({ input: 10, output: 16, total: 26, reasoning: 3 });
    expect(summary.requests).toEqual({ successful: 3, failed: 1, total: 4 });
    expect(summary.tools).toEqual({ totalToolCalls: 2, totalToolCallTurns: 1, totalGenerations: 2, generationsWithTools: 1 });
    expect(summary.tokensPerSecond).toBe(13);
    expect(summary.requestsPerMinute).toBe(120);
    expect(stats.summary(0).tokensPerSecond).toBe(0);
    expect(formatUsageSummary('gpt-4.1-mini', summary)).toBe(
      [
        'gpt-4.1-mini:',
        '  tokens: input=10, output=16, reasoning=3, total=26, tps=13',
        '  requests: success=3, failed=1, total=4, rpm=120',
        '  tools: generations=1/2, calls=2, turns=1',
      ].join('\n'),
    );
  });
});

describe.each(ENGINES)('usage accounting through the %s engine', (engine) => {
  let server: ScriptedProvider;
  let registry: ModelRegistry;

  beforeAll(async () => {
    server = await ScriptedProvider.start();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await registry.close();
    server.reset();
  });

  function setup(): ModelRegistry {
    registry = scriptedRegistry(openaiKit, server, engine, {
      models: [
        { alias: 'model', model: 'gpt-4.1-mini' },
        { alias: 'same-model', model: 'gpt-4.1-mini' },
        { alias: 'embedder', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' } },
      ],
    });
    return registry;
  }

  it('case 50: provider usage {10, 8, reasoning 3} → input 10, output 8, total 18, reasoning 3', async () => {
    const facade = setup().getModel('model');
    server.reply(openaiKit.reply({ text: 'ok', usage: { input: 10, output: 8, reasoning: 3 } }));
    await facade.generate('Hi');
    expect(facade.usage.snapshot()).toMatchObject({
      tokens: { input: 10, output: 8, total: 18, reasoning: 3 },
      requests: { successful: 1, failed: 0, total: 1 },
    });
  });

  it('case 50: skipUsageTracking records nothing', async () => {
    const facade = setup().getModel('model');
    server.reply(openaiKit.reply({ text: 'ok', usage: { input: 10, output: 8 } }), openaiErrorReply(400, 'Invalid value for messages.'));
    await facade.generate('Hi', { skipUsageTracking: true });
    await expect(facade.generate('Hi', { skipUsageTracking: true })).rejects.toThrow(ModelBadRequestError);
    expect(facade.usage.hasUsage).toBe(false);
  });

  it('a scripted mixed run adds up exactly', async () => {
    setup();
    const model = registry.getModel('model');
    const sameModel = registry.getModel('same-model');
    const embedder = registry.getModel('embedder');
    server.reply(
      // 1. plain success
      openaiKit.reply({ text: 'ok', usage: { input: 10, output: 8, reasoning: 3 } }),
      // 2. a correction: two successful requests
      openaiKit.reply({ text: 'not json', usage: { input: 12, output: 5 } }),
      openaiKit.reply({ text: '{"a": 1}', usage: { input: 20, output: 6 } }),
      // 3. a failed request (400 is never retried)
      openaiErrorReply(400, 'Invalid value for messages.'),
      // 4. completion() on a second alias of the same model id
      openaiKit.reply({ text: 'ok', usage: { input: 7, output: 3 } }),
      // 5. a 429 the engine retries, then success: one request as the facade sees it
      openaiErrorReply(429, 'Rate limit reached for requests', 'rate_limit_exceeded'),
      openaiKit.reply({ text: 'ok', usage: { input: 5, output: 5 } }),
      // 6. a success without usage
      openaiKit.reply({ text: 'ok' }),
      // 7. embeddings
      openaiEmbeddingReply([[0.1], [0.2]], 4),
    );
    await model.generate('Hi');
    await model.generate('JSON please', { parser: jsonParser(), maxCorrectionSteps: 1 });
    await expect(model.generate('Hi')).rejects.toThrow(ModelBadRequestError);
    await sameModel.completion([{ role: 'user', content: 'Hi' }]);
    await model.generate('Hi');
    await model.generate('Hi');
    await embedder.embed(['a', 'b']);
    expect(server.overruns).toBe(0);
    expect(server.pending).toBe(0);

    expect(model.usage.snapshot()).toEqual({
      tokens: { input: 47, output: 24, total: 71, reasoning: 3 },
      requests: { successful: 5, failed: 1, total: 6 },
      tools: { totalToolCalls: 0, totalToolCallTurns: 0, totalGenerations: 0, generationsWithTools: 0 },
    });
    expect(embedder.usage.snapshot().tokens).toEqual({ input: 4, output: 0, total: 4, reasoning: 0 });

    // The registry reports per model id: both aliases of gpt-4.1-mini are added up.
    const summary = registry.usageSummary(60_000);
    expect(Object.keys(summary).sort()).toEqual(['gpt-4.1-mini', 'text-embedding-3-small']);
    expect(summary['gpt-4.1-mini'].tokens).toEqual({ input: 54, output: 27, total: 81, reasoning: 3 });
    expect(summary['gpt-4.1-mini'].requests).toEqual({ successful: 6, failed: 1, total: 7 });
    expect(summary['gpt-4.1-mini'].tokensPerSecond).toBe(1);
    expect(summary['gpt-4.1-mini'].requestsPerMinute).toBe(7);
    expect(summary['text-embedding-3-small'].requests).toEqual({ successful: 1, failed: 0, total: 1 });
  });

  it('logs the summary per model id, or that nothing was recorded', async () => {
    const lines: string[] = [];
    const logger = { debug: () => {}, warn: () => {}, info: (line: string) => lines.push(line) };
    registry = createModelRegistry(scriptedConfig(openaiKit, server), { engine, env: {}, runtime: fastRuntime, logger });
    registry.logUsageSummary();
    expect(lines.at(-1)).toBe('model usage: no model usage recorded');
    server.reply(openaiKit.reply({ text: 'ok', usage: { input: 3, output: 2 } }));
    await registry.getModel('model').generate('Hi');
    registry.logUsageSummary(1_000);
    expect(lines.at(-1)).toBe(
      'model usage: gpt-4.1-mini:\n  tokens: input=3, output=2, total=5, tps=5\n  requests: success=1, failed=0, total=1, rpm=60',
    );
  });
});
