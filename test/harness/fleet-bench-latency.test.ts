// The fleet benchmark through the delay proxy (issue 28): two real worker processes reach a real
// redis-server and the fake provider (its own process) through src/testing/network/delay-proxy.ts;
// the row says what RTT was asked and measured, and the table shows both. A short job (smoke), not
// a measurement: the assertions are about the wiring and the counts, never about speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetTable } from '../../src/testing/bench/fleet-table.ts';
import { runFleetScenario } from '../../src/testing/bench/run-fleet-bench.ts';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../../src/testing/redis/redis-server.ts';

describe.runIf(redisServerAvailable())('fleet bench with added latency (real processes, real redis-server)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('workers reach Redis and the provider through the proxy: every call settles, the row and the table carry the RTT', async () => {
    const row = await runFleetScenario('a', 'redis', 'none', { workers: 2, calls: 80, maxSeconds: 60, redis, rttMs: 4, warmUpCalls: 12 });
    expect(row).toMatchObject({ workers: 2, rttMs: 4, calls: 80, lost: 0, failed: 0, succeeded: 80 });
    // Each worker warmed up before the clock started; the provider's counts are the job's alone.
    expect(row.warmUp).toMatchObject({ calls: 24, succeeded: 24 });
    expect(row.warmUp.seconds).toBeGreaterThan(0);
    // The proxy adds the RTT asked for (its timers are asked half a millisecond early, as they fire late).
    expect(row.rttMeasuredMs).toBeGreaterThanOrEqual(3.5);
    // The workers used the store (through the proxy): its commands were timed.
    expect(row.storeOverheadMs?.commands).toBeGreaterThan(0);
    expect(row.loadAverage).toBeGreaterThanOrEqual(0);
    // The provider's timeline adds up to its answers; the workers' CPU was measured.
    expect(row.timeline.reduce((sum, second) => sum + second.ok, 0)).toBe(80);
    expect(row.workerCpuMsPerCall).toBeGreaterThan(0);
    expect(row.goodputTo90).toBeGreaterThan(0);
    const table = fleetTable([row]);
    expect(table).toContain('| rtt ms (measured)');
    expect(table).toMatch(new RegExp(`\\| 4 \\(${row.rttMeasuredMs!.toFixed(2)}\\)`));
  }, 180_000);

  it('the known yardstick splits the cap over the workers: no store, nothing to learn, no 429, every slot used', async () => {
    const known = await runFleetScenario('a', 'known', 'none', { workers: 3, calls: 60, maxSeconds: 60, rttMs: 0, warmUpCalls: 0 });
    expect(known.warmUp).toEqual({ calls: 0, succeeded: 0, seconds: expect.any(Number) });
    expect(known).toMatchObject({ store: 'known', succeeded: 60, failed: 0, lost: 0, storeOverheadMs: null, limitChanges: 0 });
    expect(known.timeline.reduce((sum, second) => sum + second.rateLimited, 0)).toBe(0);
    // At most the cap in flight at the provider, and every slot used: 16 split as 6, 5, 5.
    expect(Math.max(...known.timeline.map((second) => second.peakInFlight))).toBe(16);
  }, 180_000);
});
