// npm run soak: a small real soak on both engines (300 calls each, 20 % faults, real sockets and
// real retries against the fake provider in its own process), and the verdict rules.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SoakReport } from '../../src/testing/soak/run-soak.ts';
import { soakProblems } from '../../src/testing/soak/soak-report.ts';
import { runScript } from './support/run-script.ts';
import { ENGINES } from '../../src/testing/engines.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-soak-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run soak', () => {
  it('300 calls on each engine with 20 % faults: nothing lost, duplicated or left open', async () => {
    const json = join(dir, 'soak.json');
    const result = await runScript(
      'soak',
      ['--engine', 'both', '--calls', '300', '--concurrency', '16', '--fault-rate', '0.2', '--json', json],
      { timeoutMs: 170_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code, `soak found problems:\n${result.stdout}`).toBe(0);
    const { reports } = JSON.parse(await readFile(json, 'utf8')) as { reports: (SoakReport & { problems: string[] })[] };
    expect(reports.map((r) => r.engine)).toEqual(ENGINES);
    for (const r of reports) {
      const failed = Object.values(r.failed).reduce((a, b) => a + b, 0);
      expect(r.ok + failed).toBe(300);
      expect(r.lost).toBe(0);
      // Faults really happened and were retried: more attempts than calls, matched one to one.
      expect(r.providerFaults).toBeGreaterThan(20);
      expect(r.clientAttempts).toBeGreaterThan(300 + r.warmupCalls);
      expect(r.providerRequests).toBe(r.clientAttempts);
      expect(r.duplicated).toBe(0);
      expect(Object.keys(r.failed).filter((name) => !name.startsWith('Model'))).toEqual([]);
      // The socket probe sees the pool while calls are in flight (just before close() an idle
      // pool may already have let its keep-alive sockets go on a loaded machine).
      expect(r.socketsPeakDuringRun).toBeGreaterThan(0);
      expect(r.socketsAfterClose).toBe(0);
      expect(r.providerInFlightAfterClose).toBe(0);
      expect(r.memory.map((m) => m.percent)).toEqual([0, 25, 50, 75, 100]);
      expect(r.problems).toEqual([]);
    }
    for (const engine of ENGINES) expect(result.stdout).toContain(`engine ${engine}: 300 calls`);
  }, 180_000);

  it('bad input is one line and exit 2, before any process starts', async () => {
    const noEngine = await runScript('soak', ['--calls', '10']);
    expect(noEngine.code).toBe(2);
    expect(noEngine.stderr).toBe(`soak: --engine must be ${ENGINES.join(', ')} or both (got nothing)\n`);
    const badRate = await runScript('soak', ['--engine', 'v2', '--fault-rate', '1.5']);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toBe('soak: --fault-rate must be a number ≥ 0 and ≤ 1, got "1.5"\n');
    const badProvider = await runScript('soak', ['--engine', 'v2', '--providers', 'openai,azure']);
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toContain('unknown provider "azure"');
  });
});

describe('soak verdict', () => {
  const clean: SoakReport = {
    engine: 'v2',
    calls: 10,
    ok: 10,
    failed: {},
    lost: 0,
    clientAttempts: 12,
    providerRequests: 12,
    duplicated: 0,
    providerFaults: 2,
    providerInFlightAfterClose: 0,
    socketsBeforeClose: 3,
    socketsPeakDuringRun: 8,
    socketsAfterClose: 0,
    memory: [0, 25, 50, 75, 100].map((percent) => ({ percent, heapUsedMb: 40, rssMb: 150 })),
    gcBeforeSamples: true,
    warmupCalls: 0,
    wallMs: 1,
  };

  it('a clean run has no problems', () => {
    expect(soakProblems(clean)).toEqual([]);
  });

  it('names each kind of problem', () => {
    const grown = clean.memory.map((m) => (m.percent === 100 ? { ...m, heapUsedMb: 90 } : m));
    expect(
      soakProblems({
        ...clean,
        lost: 2,
        duplicated: 1,
        failed: { 'unmapped TypeError': 1 },
        socketsAfterClose: 4,
        providerInFlightAfterClose: 1,
        memory: grown,
      }),
    ).toEqual([
      '2 calls never settled',
      "1 provider requests more than the engine's attempts (duplicated)",
      '1 calls failed with unmapped TypeError (not a DataDesignerError)',
      '4 TCP sockets still open after registry.close()',
      '1 provider requests still open after registry.close()',
      'heap grew from 40.0 MB at 25 % to 90.0 MB at the end',
    ]);
    expect(soakProblems({ ...clean, duplicated: -3 })).toEqual(['3 attempts never reached the provider']);
  });
});
