// Reference §8 case 59 (health checks), on both engines against the scripted provider.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DataDesignerError,
  ModelAPIError,
  ModelAuthenticationError,
  ModelGenerationValidationFailureError,
} from '../../src/core/errors.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { openaiEmbeddingReply, openaiErrorReply, openaiKit } from './helpers/provider-replies.ts';
import { ENGINES, scriptedRegistry } from './helpers/scripted-registry.ts';
import { ScriptedProvider } from './helpers/scripted-provider.ts';

const MODELS = [
  { alias: 'chat', model: 'gpt-4.1-mini' },
  { alias: 'embedder', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' as const } },
  { alias: 'skipped', model: 'gpt-4.1-nano', skipHealthCheck: true },
];

async function failure(promise: Promise<unknown>): Promise<DataDesignerError> {
  try {
    await promise;
  } catch (error) {
    return error as DataDesignerError;
  }
  throw new Error('expected the health check to fail');
}

describe.each(ENGINES)('registry.healthCheck on the %s engine', (engine) => {
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
    registry = scriptedRegistry(openaiKit, server, engine, { models: MODELS });
    return registry;
  }

  it('a chat model passes with a non-empty reply to "Hello!" and records no usage', async () => {
    setup();
    server.reply(openaiKit.reply({ text: 'Hello! How can I help you today?', usage: { input: 19, output: 9 } }));
    await registry.healthCheck(['chat']);
    expect(server.received).toHaveLength(1);
    expect(server.received[0].path).toBe('/v1/chat/completions');
    expect(server.bodies[0].messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Hello!' },
    ]);
    expect(registry.getModel('chat').usage.snapshot().requests.total).toBe(0);
  });

  it('an empty chat reply fails the check', async () => {
    setup();
    server.reply(openaiKit.reply({ text: '' }));
    const error = await failure(registry.healthCheck(['chat']));
    expect(error).toBeInstanceOf(ModelGenerationValidationFailureError);
    expect(error.modelAlias).toBe('chat');
    expect(error.message).toContain('while running health checks');
  });

  it('an embedding model passes with exactly one non-empty vector', async () => {
    setup();
    server.reply(openaiEmbeddingReply([[0.1, -0.2, 0.3]]));
    await registry.healthCheck(['embedder']);
    expect(server.received[0].path).toBe('/v1/embeddings');
    expect(server.bodies[0]).toMatchObject({ model: 'text-embedding-3-small', input: ['Hello!'] });
  });

  it('an embedding response with one empty vector fails the check', async () => {
    setup();
    server.reply(openaiEmbeddingReply([[]]));
    const error = await failure(registry.healthCheck(['embedder']));
    // The engine refuses an empty vector itself (engine-rules, "Responses the canonical type cannot
    // represent"), so the check fails with that error, retold with the health-check purpose.
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.message).toContain('empty');
    expect(error.message).toContain('while running health checks.');
  });

  it('an embedding response with no vectors fails the check', async () => {
    setup();
    server.reply(openaiEmbeddingReply([]));
    const error = await failure(registry.healthCheck(['embedder']));
    expect(error).toBeInstanceOf(DataDesignerError);
    expect(error.modelAlias).toBe('embedder');
  });

  it('skipHealthCheck makes no call', async () => {
    setup();
    await registry.healthCheck(['skipped']);
    expect(server.received).toHaveLength(0);
  });

  it('an authentication failure propagates as ModelAuthenticationError naming the alias, and stops the checks', async () => {
    setup();
    server.reply(openaiErrorReply(401, 'Incorrect API key provided.', 'invalid_api_key'));
    const error = await failure(registry.healthCheck(['chat', 'embedder']));
    expect(error).toBeInstanceOf(ModelAuthenticationError);
    expect(error.modelAlias).toBe('chat');
    expect(server.received).toHaveLength(1);
  });

  it('checks every configured alias by default', async () => {
    setup();
    server.reply(openaiKit.reply({ text: 'Hi!' }), openaiEmbeddingReply([[1, 2]]));
    await registry.healthCheck();
    expect(server.received.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/embeddings']);
  });
});
