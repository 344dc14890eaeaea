// @retire-with-legacy: shadow mode replays the other engine: with one engine left there is none
// Shadow mode's counters around close() and unwritable fixtures (issue 25, item 6): a registry
// closed while its first client is being created leaves no shadow controller behind and shadows
// none of the calls close() failed; a call close() ends in flight is dropped, never judged; a
// fixture that cannot be written counts once, as failed. Real engines against the fake provider
// (a real loopback server), the planted difference through the documented test-only seam.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import type { ShadowCounterEntry } from '../../src/shadow/shadow-counters.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { wrapFactory as plantDifference } from '../harness/support/plant-difference.ts';

const MODEL = 'gpt-4.1-mini';

function config(fake: FakeProvider): unknown {
  return {
    providers: [{ name: 'fake-openai', endpoint: fake.endpoints.openai, providerType: 'openai', apiKey: 'sk-fake-shadow-close-012345' }],
    models: [{ alias: 'chat-openai', model: MODEL, provider: 'fake-openai', inferenceParameters: { maxTokens: 64 } }],
  };
}

let dir: string;
let fake: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-shadow-close-'));
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

const settle = <T>(promise: Promise<T>): Promise<T | Error> => promise.catch((error: Error) => error);
const adds = (e: ShadowCounterEntry) =>
  e.compared + e.dropped + e.failed + e.skipped === e.sampled && e.inParity + e.outOfParity === e.compared;

describe('shadow mode and close()', () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`close() while the first client is being created (${thread} thread): the call fails closed, nothing is judged`, async () => {
      // The provider answers slowly: a call that got through would still be in flight when close() ends it.
      fake = await startFakeProvider({ latencyMs: 300 });
      const shadow = { sampleRate: 1, maxCpuShare: 1, thread };
      registry = createModelRegistry(config(fake) as never, { engine: 'legacy', env: {}, logger: silentLogger, shadow });
      const call = settle(registry.getModel('chat-openai').generate('Hello'));
      const pending = settle(registry.getClient('chat-openai'));
      await registry.close();
      const outcome = await call;
      expect(outcome).toBeInstanceOf(ConfigError);
      expect((outcome as Error).message).toMatch(/closed/);
      await registry.shadowIdle();
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const entry of registry.shadowSummary()) {
        expect(entry, JSON.stringify(entry)).toMatchObject({ compared: 0, inParity: 0, outOfParity: 0, failed: 0 });
        expect(adds(entry)).toBe(true);
      }
      // The client finished its creation after close(): refused with the closed error, not handed out.
      expect(await pending).toBeInstanceOf(ConfigError);
    });
  }

  it('a call in flight when close() ends it is dropped: sampled = dropped, never compared or out of parity', async () => {
    fake = await startFakeProvider({ latencyMs: 300 });
    const shadow = { sampleRate: 1, maxCpuShare: 1 };
    registry = createModelRegistry(config(fake) as never, { engine: 'v2', env: {}, logger: silentLogger, shadow });
    const client = await registry.getClient('chat-openai');
    const call = settle(client.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }] }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await registry.close();
    expect(await call).toBeInstanceOf(ConfigError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(registry.shadowSummary()).toEqual([expect.objectContaining({ sampled: 1, dropped: 1, compared: 0, outOfParity: 0, failed: 0 })]);
  });

  it('a fixture that cannot be written counts once, as failed, not also as compared: the counters add up', async () => {
    fake = await startFakeProvider();
    // A regular file where the fixtures directory should be: mkdir fails with ENOTDIR.
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, 'x');
    registry = createModelRegistry(config(fake) as never, {
      engine: 'legacy',
      env: {},
      logger: silentLogger,
      shadow: { sampleRate: 1, maxCpuShare: 1, fixturesDir: join(blocker, 'shadow'), wrapShadowFactory: plantDifference },
    });
    const client = await registry.getClient('chat-openai');
    await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }] });
    await registry.shadowIdle();
    const [entry] = registry.shadowSummary();
    expect(entry).toMatchObject({ sampled: 1, compared: 0, inParity: 0, outOfParity: 0, failed: 1, fixturesWritten: 0 });
    expect(adds(entry)).toBe(true);
  });
});
