// The instrumentation bench (npm run bench -- --mode instrumentation) on a tiny setting: every
// variant measured, the report's figures present, and the bench-only switch really turning the
// instrumentation off (no run summary while off) and back on afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createModelRegistry } from '../../src/index.ts';
import { setInstrumentationEnabled } from '../../src/observability/instrumentation-switch.ts';
import { INSTRUMENTATION_VARIANTS, runInstrumentationBench } from '../../src/testing/bench/run-instrumentation-bench.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ requireAuth: false });
});
afterAll(async () => {
  setInstrumentationEnabled(true);
  await fake.close();
});

describe('instrumentation bench', () => {
  it('measures off, noop and sdk and reports the overheads and the path cost', async () => {
    const report = await runInstrumentationBench({
      endpoint: fake.endpoints.openai,
      timeMs: 100,
      rounds: 1,
      concurrency: 2,
      warmupCalls: 5,
    });
    expect(report.rows.map((r) => r.variant)).toEqual([...INSTRUMENTATION_VARIANTS]);
    for (const row of report.rows) {
      expect(row.calls).toBeGreaterThan(0);
      expect(row.errors).toBe(0);
      expect(row.cpuUsPerCall).toBeGreaterThan(0);
      expect(row.roundsCpuUsPerCall).toHaveLength(1);
    }
    expect(Number.isFinite(report.noopOverheadPercent)).toBe(true);
    expect(Number.isFinite(report.sdkOverheadPercent)).toBe(true);
    expect(report.pathUsPerCall).toBeGreaterThan(0);
    expect(report.targetPercent).toBe(2);
    expect(report.withinTarget).toBe(report.noopOverheadPercent <= 2);
  }, 60_000);

  it('the switch off records nothing (no run summary); on again, calls count', async () => {
    const registry = createModelRegistry(
      {
        providers: [{ name: 'fake', endpoint: fake.endpoints.openai, providerType: 'openai', apiKey: 'bench-key-not-a-secret' }],
        models: [{ alias: 'writer', model: 'gpt-4o-mini', provider: 'fake' }],
      },
      { engine: 'v2', logger: silentLogger, env: {} },
    );
    try {
      setInstrumentationEnabled(false);
      await registry.getModel('writer').completion([{ role: 'user', content: 'hi' }]);
      expect(registry.runSummary().entries).toEqual([]);
      setInstrumentationEnabled(true);
      await registry.getModel('writer').completion([{ role: 'user', content: 'hi' }]);
      expect(registry.runSummary().entries[0]).toMatchObject({ calls: 1, successes: 1, attempts: 1 });
    } finally {
      setInstrumentationEnabled(true);
      await registry.close();
    }
  });
});
