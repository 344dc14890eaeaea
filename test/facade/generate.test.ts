// Reference §8 cases 38–45 (facade), run through a real registry on both engines against a
// scripted provider endpoint; assertions are on what the provider received.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DataDesignerError,
  ModelAuthenticationError,
  ModelGenerationValidationFailureError,
  ModelTimeoutError,
} from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ModelFacade } from '../../src/facade/model-facade.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { ParserError, jsonParser } from '../../src/facade/parsers/index.ts';
import { createModelRegistry } from '../../src/index.ts';
import { z } from 'zod';
import { anthropicKit, openaiErrorReply, openaiKit, type ProviderKit, type Turn } from './helpers/provider-replies.ts';
import { ENGINES, scriptedConfig, scriptedRegistry, type ScriptedRegistryOptions } from './helpers/scripted-registry.ts';
import { ScriptedProvider } from './helpers/scripted-provider.ts';

const person = z.object({ name: z.string() });
const NOT_JSON = 'I would rather not answer in JSON.';

async function failure(promise: Promise<unknown>): Promise<DataDesignerError> {
  try {
    await promise;
  } catch (error) {
    return error as DataDesignerError;
  }
  throw new Error('expected the call to fail');
}

describe.each(ENGINES)('ModelFacade.generate on the %s engine', (engine) => {
  let server: ScriptedProvider;
  let registry: ModelRegistry | undefined;

  beforeAll(async () => {
    server = await ScriptedProvider.start();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    server.reset();
  });

  function model(options: ScriptedRegistryOptions = {}, kit: ProviderKit = openaiKit): ModelFacade {
    registry = scriptedRegistry(kit, server, engine, options);
    return registry.getModel('model');
  }

  function script(kit: ProviderKit, ...turns: Turn[]): void {
    server.reply(...turns.map((turn) => kit.reply(turn)));
  }

  describe('case 38: when every answer fails to parse, the call count is (corrections+1)×(restarts+1)', () => {
    it.each([
      [0, 0, 1],
      [1, 1, 4],
      [1, 2, 6],
      [5, 0, 6],
      [0, 5, 6],
      [3, 3, 16],
    ])('corrections %i, restarts %i → %i calls', async (maxCorrectionSteps, maxConversationRestarts, calls) => {
      const facade = model();
      script(openaiKit, ...Array.from({ length: calls }, () => ({ text: NOT_JSON })));
      const error = await failure(
        facade.generate('Who are you? Answer as JSON.', { parser: jsonParser(person), maxCorrectionSteps, maxConversationRestarts }),
      );
      expect(error).toBeInstanceOf(ModelGenerationValidationFailureError);
      expect(server.received).toHaveLength(calls);
      expect(server.overruns).toBe(0);
    });

    it('appends the parser error as a user correction and restarts from the original prompt', async () => {
      const facade = model();
      script(openaiKit, { text: NOT_JSON }, { text: NOT_JSON }, { text: NOT_JSON }, { text: '```json\n{"name": "Ada"}\n```' });
      const { output, trace } = await facade.generate('Who are you?', {
        parser: jsonParser(person),
        maxCorrectionSteps: 1,
        maxConversationRestarts: 1,
      });
      expect(output).toEqual({ name: 'Ada' });
      const correction =
        'No parsable JSON structure within ```json markdown fence. Reply with the complete JSON inside one ```json fenced code block.';
      const sent = server.bodies.map((b) => openaiKit.messages(b));
      expect(sent[0]).toEqual([{ role: 'user', content: 'Who are you?' }]);
      expect(sent[1]).toEqual([
        { role: 'user', content: 'Who are you?' },
        { role: 'assistant', content: NOT_JSON },
        { role: 'user', content: correction },
      ]);
      // Restart: back to the checkpoint (the prompt), the failed attempts are gone.
      expect(sent[2]).toEqual([{ role: 'user', content: 'Who are you?' }]);
      expect(sent[3]).toEqual(sent[1]);
      expect(trace).toEqual([...sent[3], { role: 'assistant', content: '```json\n{"name": "Ada"}\n```' }]);
    });
  });

  describe('case 39: system prompt', () => {
    it('"" sends only the user message; "hello!" sends system then user', async () => {
      const facade = model();
      script(openaiKit, { text: 'a' }, { text: 'b' });
      await facade.generate('Hi', { systemPrompt: '' });
      await facade.generate('Hi', { systemPrompt: 'hello!' });
      expect(openaiKit.messages(server.bodies[0])).toEqual([{ role: 'user', content: 'Hi' }]);
      expect(openaiKit.messages(server.bodies[1])).toEqual([
        { role: 'system', content: 'hello!' },
        { role: 'user', content: 'Hi' },
      ]);
    });

    it('multimodal context goes before the prompt in the user message', async () => {
      const facade = model();
      script(openaiKit, { text: 'A cat.' });
      const image = { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } };
      await facade.generate('Describe the image.', { multiModalContext: [image] });
      expect(openaiKit.messages(server.bodies[0])).toEqual([
        { role: 'user', content: [image, { type: 'text', text: 'Describe the image.' }] },
      ]);
    });
  });

  it('case 40: the parser receives the trimmed text', async () => {
    const facade = model();
    script(openaiKit, { text: '\n\n  Hello world\n' });
    const seen: string[] = [];
    const { output, trace } = await facade.generate('Say hello', { parser: (text) => (seen.push(text), text.length) });
    expect(seen).toEqual(['Hello world']);
    expect(output).toBe(11);
    expect(trace.at(-1)).toEqual({ role: 'assistant', content: 'Hello world' });
  });

  describe('case 41: n is stripped for generate, kept for completion', () => {
    it('generate(..., n: 4) sends no n', async () => {
      const facade = model();
      script(openaiKit, { text: 'ok' });
      await facade.generate('Hi', { n: 4 });
      expect(server.bodies[0]).not.toHaveProperty('n');
    });

    it('generate(..., extra_body {n: 4, seed: 42}) sends seed 42 and no n', async () => {
      const facade = model();
      script(openaiKit, { text: 'ok' });
      await facade.generate('Hi', { extra_body: { n: 4, seed: 42 } });
      expect(server.bodies[0]).not.toHaveProperty('n');
      expect(server.bodies[0].seed).toBe(42);
    });

    // Holds only because clients send the request as given (docs/engine-rules.md, "The request a
    // client receives is final"): re-applying provider extraBody would bring n: 5 back.
    it('config extraBody {n: 4, seed: 42} + provider extraBody {n: 5, provider: "kept"} → seed and provider, no n', async () => {
      const facade = model({
        provider: { extraBody: { n: 5, provider: 'kept' } },
        models: [{ alias: 'model', model: openaiKit.model, inferenceParameters: { extraBody: { n: 4, seed: 42 } } }],
      });
      script(openaiKit, { text: 'ok' });
      await facade.generate('Hi');
      expect(server.bodies[0]).not.toHaveProperty('n');
      expect(server.bodies[0]).toMatchObject({ seed: 42, provider: 'kept' });
    });

    it('completion(..., n: 4) forwards n', async () => {
      const facade = model();
      script(openaiKit, { text: 'ok' });
      const response = await facade.completion([{ role: 'user', content: 'Hi' }], { n: 4 });
      expect(server.bodies[0].n).toBe(4);
      expect(response.choices[0].message.content).toBe('ok');
    });
  });

  it('case 42: a schema parse failure carries the collapsed detail and failure kind schema_validation', async () => {
    const facade = model();
    script(openaiKit, { text: '{}' }, { text: 'nothing' });
    const schemaError = await failure(
      facade.generate('Give me a person', {
        parser: () => {
          throw new ParserError("Response doesn't match requested <response_schema>\n'name' is a required property");
        },
      }),
    );
    expect(schemaError).toBeInstanceOf(ModelGenerationValidationFailureError);
    expect(schemaError.message).toContain(
      "Validation detail: Response doesn't match requested <response_schema> 'name' is a required property.",
    );
    expect((schemaError as ModelGenerationValidationFailureError).failureKind).toBe('schema_validation');
    expect((schemaError as ModelGenerationValidationFailureError).detail).toBe(
      "Response doesn't match requested <response_schema> 'name' is a required property",
    );
    expect(schemaError.modelAlias).toBe('model');

    const parseError = await failure(facade.generate('Give me JSON', { parser: jsonParser() }));
    expect((parseError as ModelGenerationValidationFailureError).failureKind).toBe('parse_error');
  });

  describe('case 43: truncation-aware solutions', () => {
    const MAX_TOKENS_ADVICE = /cut off at max_tokens/;
    const CONTEXT_ADVICE = /context window was exhausted/;
    const GENERIC_ADVICE = ModelGenerationValidationFailureError.defaults.solution;

    async function solutionFor(
      kit: ProviderKit,
      turns: Turn[],
      options: { corrections?: number; restarts?: number; maxTokens?: number } = {},
    ) {
      const facade = model(
        { models: [{ alias: 'model', model: kit.model, inferenceParameters: options.maxTokens ? { maxTokens: options.maxTokens } : {} }] },
        kit,
      );
      script(kit, ...turns);
      const error = await failure(
        facade.generate('Give me a person', {
          parser: jsonParser(person),
          maxCorrectionSteps: options.corrections ?? 0,
          maxConversationRestarts: options.restarts ?? 0,
        }),
      );
      expect(error).toBeInstanceOf(ModelGenerationValidationFailureError);
      expect(server.received).toHaveLength(turns.length);
      return error.solution;
    }

    it('finish_reason length → raise max_tokens', async () => {
      expect(
        await solutionFor(openaiKit, [{ text: '```json\n{"na', finish: 'length', usage: { input: 9, output: 64 } }], { maxTokens: 64 }),
      ).toMatch(MAX_TOKENS_ADVICE);
    });

    it('Anthropic stop_reason max_tokens → raise max_tokens', async () => {
      expect(
        await solutionFor(anthropicKit, [{ text: '{"na', finish: 'length', usage: { input: 9, output: 1024 } }], { maxTokens: 1024 }),
      ).toMatch(MAX_TOKENS_ADVICE);
    });

    it('Anthropic stop_reason model_context_window_exceeded → shrink the input', async () => {
      const solution = await solutionFor(
        anthropicKit,
        [{ text: '{"na', finish: 'context_window', usage: { input: 150000, output: 49950 } }],
        { maxTokens: 64000 },
      );
      expect(solution).toMatch(CONTEXT_ADVICE);
    });

    it('finish_reason stop → the generic advice', async () => {
      expect(await solutionFor(openaiKit, [{ text: NOT_JSON, finish: 'stop' }])).toBe(GENERIC_ADVICE);
    });

    it('with one correction: length then stop → raise max_tokens', async () => {
      const turns: Turn[] = [
        { text: '{"na', finish: 'length', usage: { input: 9, output: 64 } },
        { text: NOT_JSON, finish: 'stop', usage: { input: 30, output: 8 } },
      ];
      expect(await solutionFor(openaiKit, turns, { corrections: 1, maxTokens: 64 })).toMatch(MAX_TOKENS_ADVICE);
    });

    it('the reason resets on restart: [max_tokens, context window | restart | max_tokens, max_tokens] → raise max_tokens', async () => {
      const maxed: Turn = { text: '{"na', finish: 'length', usage: { input: 9, output: 64 } };
      const contextOut: Turn = { text: '{"na', finish: 'length', usage: { input: 9, output: 12 } };
      const solution = await solutionFor(openaiKit, [maxed, contextOut, maxed, maxed], { corrections: 1, restarts: 1, maxTokens: 64 });
      expect(solution).toMatch(MAX_TOKENS_ADVICE);
    });

    it('a context-window exhaustion dominates a later max_tokens in the same conversation', async () => {
      const contextOut: Turn = { text: '{"na', finish: 'length', usage: { input: 9, output: 12 } };
      const maxed: Turn = { text: '{"na', finish: 'length', usage: { input: 9, output: 64 } };
      expect(await solutionFor(openaiKit, [contextOut, maxed], { corrections: 1, maxTokens: 64 })).toMatch(CONTEXT_ADVICE);
    });
  });

  it('case 44: a client deadline surfaces as ModelTimeoutError', async () => {
    const facade = model();
    // One slow answer per attempt the engine makes (first try + 3 timeout retries).
    server.reply(...Array.from({ length: 4 }, () => ({ ...openaiKit.reply({ text: 'late' }), delayMs: 1500 })));
    const error = await failure(facade.generate('Hi', { timeout_ms: 100 }));
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error.modelAlias).toBe('model');
  });

  describe('case 45: parameter precedence (without telemetry headers)', () => {
    it('provider extra_body and call extra_body are both sent; provider headers win over caller headers', async () => {
      const facade = model({
        provider: { extraBody: { foo_provider: 'bar_provider' }, extraHeaders: { hello: 'world', hola: 'mundo' } },
      });
      script(openaiKit, { text: 'ok' });
      await facade.generate('Hi', { extra_body: { foo: 'bar' }, extra_headers: { hello: 'caller', 'X-Trace-ID': 'abc' } });
      expect(server.bodies[0]).toMatchObject({ foo_provider: 'bar_provider', foo: 'bar' });
      expect(server.received[0].headers).toMatchObject({ hello: 'world', hola: 'mundo', 'x-trace-id': 'abc' });
      expect(server.received[0].headers).not.toHaveProperty('x-title');
    });

    it('call options win over sampled inference parameters', async () => {
      const facade = model({
        models: [{ alias: 'model', model: openaiKit.model, inferenceParameters: { temperature: 0.3, topP: 0.9, maxTokens: 100 } }],
      });
      script(openaiKit, { text: 'ok' });
      await facade.generate('Hi', { temperature: 1.2, max_tokens: 50 });
      expect(server.bodies[0]).toMatchObject({ temperature: 1.2, top_p: 0.9, max_tokens: 50 });
    });

    it('distributions are re-sampled for every request, correction turns included', async () => {
      let draw = 0;
      registry = createModelRegistry(
        scriptedConfig(openaiKit, server, {
          models: [
            {
              alias: 'model',
              model: openaiKit.model,
              inferenceParameters: { temperature: { distributionType: 'uniform', params: { low: 0, high: 2 } } },
            },
          ],
        }),
        {
          engine,
          env: {},
          logger: silentLogger,
          // Strictly increasing draws: two requests can never get the same temperature.
          runtime: { sleep: async () => {}, random: () => (draw = Math.min(0.999, draw + 0.05)) },
        },
      );
      script(openaiKit, { text: NOT_JSON }, { text: '{"name": "Ada"}' });
      await registry.getModel('model').generate('Hi', { parser: jsonParser(person), maxCorrectionSteps: 1 });
      const [first, second] = server.bodies.map((b) => b.temperature as number);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(second).toBeLessThanOrEqual(2);
      expect(second).not.toBe(first);
    });
  });

  describe('errors', () => {
    it('provider errors propagate as our classes, naming the alias', async () => {
      const facade = model();
      server.reply(openaiErrorReply(401, 'Incorrect API key provided: sk-scri*****-key.', 'invalid_api_key'));
      const error = await failure(facade.generate('Hi'));
      expect(error).toBeInstanceOf(ModelAuthenticationError);
      expect(error.modelAlias).toBe('model');
    });

    it('an unexpected exception becomes DataDesignerError "An unexpected error occurred while <purpose>."', async () => {
      const facade = model();
      script(openaiKit, { text: 'ok' });
      const error = await failure(
        facade.generate('Hi', {
          purpose: "running generation for column 'bio'",
          parser: () => {
            throw new TypeError('boom');
          },
        }),
      );
      expect(error.constructor).toBe(DataDesignerError);
      expect(error.message).toBe("An unexpected error occurred while running generation for column 'bio'.");
      expect(error.cause).toBeInstanceOf(TypeError);
      expect(error.solution).toContain('boom');
    });

    it("a cancelled call rejects with the caller's reason, unwrapped", async () => {
      const facade = model();
      server.reply({ ...openaiKit.reply({ text: 'late' }), delayMs: 5000 });
      const controller = new AbortController();
      const reason = new Error('row cancelled');
      setTimeout(() => controller.abort(reason), 100);
      await expect(facade.generate('Hi', { signal: controller.signal })).rejects.toBe(reason);
      // A cancellation is not a failed request (docs/engine-rules.md, "Cancellation").
      expect(facade.usage.snapshot().requests).toEqual({ successful: 0, failed: 0, total: 0 });
    });

    it('negative retry limits are rejected before any request', async () => {
      const facade = model();
      await expect(facade.generate('Hi', { maxCorrectionSteps: -1 })).rejects.toThrow(/maxCorrectionSteps must be a non-negative integer/);
      expect(server.received).toHaveLength(0);
    });
  });
});
