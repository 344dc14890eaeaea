// The caller's `purpose` reaches the errors the engines raise themselves — a 2xx the canonical
// response cannot hold, a local refusal — on both engines alike (issue 25 item 10: legacy's
// sentences ended in a period, which skips the "while <purpose>." suffix), and answers the
// canonical type cannot represent fail instead of succeeding empty (issue 24 class 7): no choice,
// a vector of another size than asked. Real engines against the scripted provider.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DataDesignerError, ModelAPIError, ModelUnsupportedCapabilityError } from '../../src/core/errors.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { anthropicKit, openaiEmbeddingReply, openaiKit } from './helpers/provider-replies.ts';
import { ENGINES, scriptedRegistry } from './helpers/scripted-registry.ts';
import { ScriptedProvider } from './helpers/scripted-provider.ts';

const PURPOSE = "running generation for column 'review'";
const MODELS = [
  { alias: 'chat', model: 'gpt-4.1-mini' },
  { alias: 'embedder', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' as const } },
];
// An OpenAI answer (shape of wire-corpus openai/chat_system_prompt_text) whose choices are gone.
const NO_CHOICES = {
  id: 'chatcmpl-BJjf61mLb9z5H45ClJzbx0UWKwjo1',
  object: 'chat.completion',
  created: 1744043456,
  model: 'gpt-4o-2024-08-06',
  choices: [],
  usage: { prompt_tokens: 24, completion_tokens: 0, total_tokens: 24 },
};

async function failure(promise: Promise<unknown>): Promise<DataDesignerError> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    return error as DataDesignerError;
  }
  throw new Error(`expected the call to fail, it returned ${JSON.stringify(result)}`);
}

describe.each(ENGINES)('errors the %s engine raises itself', (engine) => {
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

  it('a 2xx without a choices array tells the purpose', async () => {
    registry = scriptedRegistry(openaiKit, server, engine, { models: MODELS });
    const { choices: _dropped, ...noChoicesKey } = NO_CHOICES;
    server.reply({ body: noChoicesKey });
    const error = await failure(registry.getModel('chat').generate('Hi', { purpose: PURPOSE }));
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.message).toContain(`while ${PURPOSE}.`);
    expect(error.purpose).toBe(PURPOSE);
  });

  it('a local refusal tells the purpose, and nothing is sent', async () => {
    registry = scriptedRegistry(anthropicKit, server, engine);
    const svg = { type: 'image_url' as const, image_url: { url: 'data:image/svg+xml;base64,PHN2Zy8+' } };
    const error = await failure(registry.getModel('model').generate('Describe it', { purpose: PURPOSE, multiModalContext: [svg] }));
    expect(error).toBeInstanceOf(ModelUnsupportedCapabilityError);
    expect(error.message).toContain('image/svg+xml');
    expect(error.message).toContain(`while ${PURPOSE}.`);
    expect(server.received).toHaveLength(0);
  });

  it('"choices": [] is a ModelAPIError telling the purpose, not an empty answer with an assistant turn', async () => {
    registry = scriptedRegistry(openaiKit, server, engine, { models: MODELS });
    server.reply({ body: NO_CHOICES });
    const error = await failure(registry.getModel('chat').generate('Hi', { purpose: PURPOSE }));
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.message).toContain('no choices');
    expect(error.message).toContain(`while ${PURPOSE}.`);
    expect(error.retryable).toBe(false);
    expect(server.received).toHaveLength(1);
  });

  it('a vector of another size than the dimensions asked for is a ModelAPIError telling the purpose', async () => {
    registry = scriptedRegistry(openaiKit, server, engine, { models: MODELS });
    server.reply(openaiEmbeddingReply([[0.25, -0.5]]));
    const error = await failure(registry.getModel('embedder').embed(['Hello'], { dimensions: 3, purpose: PURPOSE }));
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.message).toMatch(/2 numbers where 3 dimensions were asked for/);
    expect(error.message).toContain(`while ${PURPOSE}.`);
    expect(server.bodies[0].dimensions).toBe(3);
  });

  it('an empty vector is a ModelAPIError, with or without dimensions', async () => {
    registry = scriptedRegistry(openaiKit, server, engine, { models: MODELS });
    server.reply(openaiEmbeddingReply([[0.25], []]));
    const error = await failure(registry.getModel('embedder').embed(['Hello', 'World']));
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.message).toMatch(/empty/);
    expect(error.message).toContain('while running generation.');
  });
});
