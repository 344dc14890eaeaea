// @retire-with-legacy: the compare bench measures the reference rows next to both engines; phase 4 retires it with legacy
// The compare bench's reference rows: the undici floor and the bare SDKs replay what v2 sent, in
// the same run as both engines, and every ratio against them is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_AWS_CREDENTIALS } from '../../src/testing/bench/reference-callers.ts';
import { runEngineBench, type BenchTarget } from '../../src/testing/bench/run-engine-bench.ts';
import { type FakeProvider, startFakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';

let fake: FakeProvider;
beforeAll(async () => {
  // Signatures are checked, as AWS would: the signed floor and the SigV4 SDK row must be valid calls.
  fake = await startFakeProvider({ awsCredentials: BENCH_AWS_CREDENTIALS });
});
afterAll(async () => {
  await fake.close();
});

const TARGETS: BenchTarget[] = [
  { provider: 'openai', operation: 'embedding', model: 'text-embedding-3-small' },
  { provider: 'bedrock', operation: 'chat', model: 'us.amazon.nova-micro-v1:0' },
];

describe('bench reference rows', () => {
  it('measures the floor and the bare SDKs next to both engines, without a failed call', async () => {
    const report = await runEngineBench({ endpoints: fake.endpoints, targets: TARGETS, timeMs: 100, concurrency: 2, warmupCalls: 2 });
    expect(report.rows.map((r) => `${r.engine} ${r.provider}`).sort()).toEqual([
      'legacy bedrock',
      'legacy openai',
      'v2 bedrock',
      'v2 openai',
    ]);
    expect(report.references.map((r) => `${r.variant} ${r.provider} ${r.operation}`).sort()).toEqual([
      'floor bedrock chat',
      'floor openai embedding',
      'floor-sigv4 bedrock chat',
      'sdk bedrock chat',
      'sdk openai embedding',
      'sdk-sigv4 bedrock chat',
    ]);
    for (const row of [...report.rows, ...report.references]) {
      expect(row.errors, JSON.stringify(row)).toBe(0);
      expect(row.runs).toBeGreaterThan(0);
      expect(row.cpuUsPerRequest).toBeGreaterThan(0);
    }
    const bedrock = report.referenceRatios.find((r) => r.provider === 'bedrock')!;
    expect(Object.keys(bedrock.cpuVsFloor).sort()).toEqual(['floor', 'floor-sigv4', 'legacy', 'sdk', 'sdk-sigv4', 'v2']);
    expect(bedrock.cpuVsFloor.floor).toBe(1);
    const v2 = report.rows.find((r) => r.engine === 'v2' && r.provider === 'bedrock')!;
    const sdk = report.references.find((r) => r.variant === 'sdk' && r.provider === 'bedrock')!;
    expect(bedrock.v2VsSdk.cpuPerRequest).toBeCloseTo(v2.cpuUsPerRequest / sdk.cpuUsPerRequest, 10);
  }, 60_000);

  it('can be left out, keeping the engine rows and ratios as they were', async () => {
    const report = await runEngineBench({
      endpoints: fake.endpoints,
      targets: TARGETS.slice(0, 1),
      timeMs: 100,
      concurrency: 2,
      warmupCalls: 1,
      references: false,
    });
    expect(report.rows).toHaveLength(2);
    expect(report.ratios).toHaveLength(1);
    expect(report.references).toEqual([]);
    expect(report.referenceRatios).toEqual([]);
  }, 60_000);
});
