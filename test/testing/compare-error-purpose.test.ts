// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Compare sees an error that can tell the caller's purpose on one engine only (issue 25 item 10):
// legacy once ended its cause sentences in a period, which skips "while <purpose>.", and compare,
// judging errors by class and status, passed it. A planted twin of that defect must fail parity.
import { describe, expect, it } from 'vitest';
import { DataDesignerError, ModelAPIError } from '../../src/core/errors.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ClientFactory } from '../../src/config/client-factory.ts';
import { loadFixtureFile } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';

const COUNT_MISMATCH = 'test/fixtures/openai/embedding-count-mismatch-is-api-error.json';

/** Legacy's errors retold as a cause sentence ending in a period: same class, same status. */
function periodInLegacy(engine: EngineName, factory: ClientFactory): ClientFactory {
  if (engine !== 'legacy') return factory;
  return async (args) => {
    const inner = await factory(args);
    const retell = (error: unknown): never => {
      if (!(error instanceof ModelAPIError)) throw error;
      const { modelAlias, providerName, status } = error;
      throw new ModelAPIError({ modelAlias, providerName, status, causeText: '{subject} returned 1 embeddings for 2 input texts.' });
    };
    return {
      ...inner,
      chat: (request, options) => inner.chat(request, options).catch(retell),
      embed: (request, options) => inner.embed(request, options).catch(retell),
      close: inner.close.bind(inner),
    };
  };
}

describe('compare and the purpose an error can tell', () => {
  it('both engines tell it: in parity, and the run says so', async () => {
    const comparison = await compareEngines(await loadFixtureFile(COUNT_MISMATCH));
    expect(comparison.parity).toBe(true);
    expect(comparison.legacy.error).toMatchObject({ type: 'ModelAPIError', tellsPurpose: true });
    expect(comparison.v2.error).toMatchObject({ type: 'ModelAPIError', tellsPurpose: true });
  });

  it('one engine cannot tell it: same class and status, yet not in parity', async () => {
    const comparison = await compareEngines(await loadFixtureFile(COUNT_MISMATCH), { hooks: { wrapFactory: periodInLegacy } });
    expect(comparison.legacy.error?.type).toBe(comparison.v2.error?.type);
    expect(comparison.legacy.error?.status).toBe(comparison.v2.error?.status);
    expect(comparison.parity).toBe(false);
    expect(comparison.diffs).toEqual([{ path: '$.error.tellsPurpose', legacy: false, v2: true }]);
  });

  it('the probe is the facade rule itself: a period-ended cause keeps the purpose out of the message', () => {
    const told = new ModelAPIError({ causeText: 'The provider returned no choices' }).withPurpose('running the probe');
    const silent = new ModelAPIError({ causeText: 'The provider returned no choices.' }).withPurpose('running the probe');
    expect(told).toBeInstanceOf(DataDesignerError);
    expect(told.message).toContain('while running the probe.');
    expect(silent.message).not.toContain('running the probe');
  });
});
