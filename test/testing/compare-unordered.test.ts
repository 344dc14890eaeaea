// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Compare on a fan-out fixture (docs/harness.md, "Replay order"): requests that arrive in any order
// are still held to parity — the same multiset of wire requests, the same vectors, usage, attempts
// and sleeps — and a real difference is still caught.
import { describe, expect, it } from 'vitest';
import type { EngineName, ModelClient } from '../../src/core/model-client.ts';
import type { ClientFactory } from '../../src/config/client-factory.ts';
import type { EmbeddingResponse } from '../../src/core/types.ts';
import { loadFixtureFile } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';

const SHUFFLED = 'test/fixtures/bedrock/embedding-titan-shuffled-arrival.json';

/** Plants a change in v2's embedding calls only, without touching engine source. */
function plantInV2(embed: (inner: ModelClient, request: Parameters<ModelClient['embed']>[0]) => Promise<EmbeddingResponse>) {
  return (engine: EngineName, factory: ClientFactory): ClientFactory => {
    if (engine !== 'v2') return factory;
    return async (args) => {
      const inner = await factory(args);
      return { ...inner, chat: inner.chat.bind(inner), close: inner.close.bind(inner), embed: (request) => embed(inner, request) };
    };
  };
}

describe('compare on a fan-out fixture', () => {
  it('holds both engines, each sending concurrently, in parity and to the recording', async () => {
    const comparison = await compareEngines(await loadFixtureFile(SHUFFLED));
    expect(comparison.diffs).toEqual([]);
    expect(comparison.parity).toBe(true);
    expect(comparison.matches).toBe(true);
    expect(comparison.legacy.unordered).toBe(true);
  });

  it('is indifferent to arrival order: v2 sending the texts one by one, last first, is still in parity', async () => {
    const reversed = plantInV2(async (inner, request) => {
      const vectors: EmbeddingResponse['data'] = [];
      let tokens = 0;
      for (let i = request.input.length - 1; i >= 0; i--) {
        const one = await inner.embed({ ...request, input: [request.input[i]] });
        vectors[i] = { index: i, embedding: one.data[0].embedding };
        tokens += one.usage?.prompt_tokens ?? 0;
      }
      return { data: vectors, usage: { prompt_tokens: tokens, total_tokens: tokens } };
    });
    const comparison = await compareEngines(await loadFixtureFile(SHUFFLED), { hooks: { wrapFactory: reversed } });
    expect(comparison.v2.requests.map((r) => (r.body as { inputText: string }).inputText)).toEqual([
      'A fourth text',
      'A third text',
      'A second text',
      'Test embedding dimensions',
    ]);
    expect(comparison.diffs).toEqual([]);
    expect(comparison.parity).toBe(true);
  });

  it('still catches a wire difference in one text', async () => {
    const normalised = plantInV2((inner, request) => inner.embed({ ...request, extra_body: { ...request.extra_body, normalize: true } }));
    const comparison = await compareEngines(await loadFixtureFile(SHUFFLED), { hooks: { wrapFactory: normalised } });
    expect(comparison.parity).toBe(false);
    expect(comparison.diffs.map((d) => d.path)).toContain('$.requests[0].body.normalize');
    expect(comparison.v2.expectation.matches).toBe(false);
  });
});
