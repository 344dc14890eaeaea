// @retire-with-legacy: shadow mode needs two engines; phase 4 deletes it
// Shadow mode's counters reach the OpenTelemetry metrics (dd.shadow.calls, one series per outcome)
// and the run summary (`shadow`), read from the same counters as registry.shadowSummary(). Real
// engines against the fake provider, the real OTel SDK with in-memory exporters; the planted
// difference goes through shadow mode's documented test-only seam.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ShadowOptions } from '../../src/shadow/shadow-config.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { wrapFactory as plantDifference } from '../harness/support/plant-difference.ts';
import { OtelSdk, pointsOf, total } from './otel-sdk.ts';

const KEY = 'sk-fake-shadow-telemetry-key-0123456789';

let fake: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
let sdk: OtelSdk | undefined;
afterEach(async () => {
  await registry?.close();
  await fake?.close();
  await sdk?.shutdown();
  registry = fake = sdk = undefined;
});

async function start(engine: EngineName, shadow: ShadowOptions | undefined) {
  fake = await startFakeProvider();
  sdk = new OtelSdk();
  registry = createModelRegistry(
    {
      providers: [{ name: 'fake-openai', endpoint: `${fake.url}/v1`, providerType: 'openai', apiKey: KEY }],
      models: [{ alias: 'writer', model: 'gpt-4.1-mini', provider: 'fake-openai', inferenceParameters: { maxTokens: 32 } }],
    },
    {
      engine,
      logger: silentLogger,
      env: {},
      observability: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider },
      ...(shadow ? { shadow } : {}),
    },
  );
  return registry;
}

async function twoCalls(r: ModelRegistry): Promise<void> {
  const model = r.getModel('writer');
  for (const text of ['Hello', 'Name a colour']) {
    await model.generate(text);
  }
  await r.shadowIdle();
}

describe('shadow mode in metrics and the run summary', () => {
  it.each(['legacy', 'v2'] as const)(
    '%s primary: dd.shadow.calls and the summary carry the same counts as shadowSummary()',
    async (engine) => {
      const r = await start(engine, { sampleRate: 1, maxCpuShare: 1 });
      await twoCalls(r);
      const counters = r.shadowSummary();
      expect(counters).toHaveLength(1);
      expect(counters[0]).toMatchObject({
        alias: 'writer',
        primary: engine,
        shadow: engine === 'legacy' ? 'v2' : 'legacy',
        sampled: 2,
        compared: 2,
        inParity: 2,
        outOfParity: 0,
      });

      const points = await sdk!.metrics();
      const series = { 'dd.model.alias': 'writer', 'dd.engine': engine, 'dd.shadow.engine': counters[0].shadow };
      expect(total(points, 'dd.shadow.calls', { ...series, 'dd.shadow.outcome': 'sampled' })).toBe(2);
      expect(total(points, 'dd.shadow.calls', { ...series, 'dd.shadow.outcome': 'in_parity' })).toBe(2);
      expect(total(points, 'dd.shadow.calls', { ...series, 'dd.shadow.outcome': 'out_of_parity' })).toBe(0);

      const summary = r.runSummary();
      expect(summary.shadow).toEqual(counters);
      expect(summary.entries.map((e) => [e.alias, e.engine, e.calls])).toEqual([['writer', engine, 2]]);
      expect(JSON.stringify(summary)).not.toContain(KEY);
    },
  );

  it('a planted difference shows as out_of_parity in the metric and the summary', async () => {
    const r = await start('legacy', { sampleRate: 1, maxCpuShare: 1, wrapShadowFactory: plantDifference });
    await twoCalls(r);
    const points = await sdk!.metrics();
    expect(total(points, 'dd.shadow.calls', { 'dd.model.alias': 'writer', 'dd.shadow.outcome': 'out_of_parity' })).toBe(2);
    expect(r.runSummary().shadow?.[0].outOfParity).toBe(2);
  });

  it('without shadow mode there is no shadow metric and no shadow key', async () => {
    const r = await start('v2', undefined);
    await twoCalls(r);
    expect(pointsOf(await sdk!.metrics(), 'dd.shadow.calls')).toEqual([]);
    expect('shadow' in r.runSummary()).toBe(false);
  });
});
