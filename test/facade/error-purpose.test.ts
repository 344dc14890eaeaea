// The caller's `purpose` reaches provider errors (issue 12, item 8): the engines never know why
// they were called, the facade retells their errors with it — generate, embed and health checks,
// on both engines against the scripted provider.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DataDesignerError, ModelAuthenticationError, ModelContextWindowExceededError } from '../../src/core/errors.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { openaiErrorReply, openaiKit } from './helpers/provider-replies.ts';
import { API_KEY, ENGINES, scriptedRegistry } from './helpers/scripted-registry.ts';
import { ScriptedProvider } from './helpers/scripted-provider.ts';

const MODELS = [
  { alias: 'chat', model: 'gpt-4.1-mini' },
  { alias: 'embedder', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' as const } },
];
const CONTEXT_TEXT =
  "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.";

async function failure(promise: Promise<unknown>): Promise<DataDesignerError> {
  try {
    await promise;
  } catch (error) {
    return error as DataDesignerError;
  }
  throw new Error('expected the call to fail');
}

describe.each(ENGINES)('purpose in provider errors on the %s engine', (engine) => {
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
  const setup = () => (registry = scriptedRegistry(openaiKit, server, engine, { models: MODELS }));

  it("generate's purpose names what the caller was doing", async () => {
    setup();
    server.reply(openaiErrorReply(401, 'Incorrect API key provided.', 'invalid_api_key'));
    const error = await failure(registry.getModel('chat').generate('Hi', { purpose: "running generation for column 'review'" }));
    expect(error).toBeInstanceOf(ModelAuthenticationError);
    expect(error.message).toContain("while running generation for column 'review'.");
    expect(error.message).not.toContain('while running generation.');
    expect(error.purpose).toBe("running generation for column 'review'");
    expect(error.status).toBe(401);
    expect(error.modelAlias).toBe('chat');
    expect(JSON.stringify(error.toJSON()) + error.render() + error.stack).not.toContain(API_KEY);
  });

  it('health checks say so, for chat and embedding models', async () => {
    setup();
    server.reply(openaiErrorReply(401, 'Incorrect API key provided.', 'invalid_api_key'));
    const chat = await failure(registry.healthCheck(['chat']));
    expect(chat.message).toContain('while running health checks.');
    server.reply(openaiErrorReply(401, 'Incorrect API key provided.', 'invalid_api_key'));
    const embed = await failure(registry.healthCheck(['embedder']));
    expect(embed).toBeInstanceOf(ModelAuthenticationError);
    expect(embed.message).toContain('while running health checks.');
  });

  it('without a purpose the default stays, and the context-window text is told once', async () => {
    setup();
    server.reply(openaiErrorReply(400, CONTEXT_TEXT, 'context_length_exceeded'));
    const error = await failure(registry.getModel('chat').generate('Hi'));
    expect(error).toBeInstanceOf(ModelContextWindowExceededError);
    expect(error.message).toContain('while running generation: ');
    expect(error.message.split('maximum context length is 8192 tokens')).toHaveLength(2);
    expect(error.render().split('maximum context length is 8192 tokens')).toHaveLength(2);
  });
});
