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
    const row = await runFleetScenario('a', 'redis', 'none', { workers: 2, calls: 80, maxSeconds: 60, redis, rttMs: 4 });
    expect(row).toMatchObject({ workers: 2, rttMs: 4, calls: 80, lost: 0, failed: 0, succeeded: 80 });
    // The proxy never delivers early: what it adds to a PING is at least the RTT asked for.
    expect(row.rttMeasuredMs).toBeGreaterThanOrEqual(4);
    // The workers used the store (through the proxy): its commands were timed.
    expect(row.storeOverheadMs?.commands).toBeGreaterThan(0);
    expect(row.loadAverage).toBeGreaterThanOrEqual(0);
    const table = fleetTable([row]);
    expect(table).toContain('| rtt ms (measured)');
    expect(table).toMatch(new RegExp(`\\| 4 \\(${row.rttMeasuredMs!.toFixed(2)}\\)`));
  }, 180_000);
});
