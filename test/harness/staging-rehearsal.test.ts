// The staging rehearsal of docs/staging-rehearsal.md, end to end with real processes: the fake
// provider (`npm run fake-provider`), one workload run with legacy and once with v2
// (`npm run staging-job … --summary-json`), and `npm run gate` — which passes the pair, and fails
// the pair whose candidate ran against a provider with 500s planted, naming the alias and metric.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/testing/engines.ts';
import { REPO_ROOT, runScript } from './support/run-script.ts';

const ALIASES = ['writer', 'judge', 'embedder'];
const CALLS = '100';
const CONCURRENCY = '10';
// Provider latency well above the client's own CPU time per call, so p95 measures the provider
// (as in staging) and not how busy this machine is.
const LATENCY_MS = '500';

interface FakeProcess {
  child: ChildProcess;
  url: string;
}

function startFake(args: string[]): Promise<FakeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/fake-provider.ts', '--port', '0', '--latency-ms', LATENCY_MS, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fake provider printed no URL: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const first = out.split('\n')[0];
      if (out.includes('\n') && first.startsWith('http://')) {
        clearTimeout(timer);
        resolve({ child, url: first.trim() });
      }
    });
    child.once('exit', (code) => reject(new Error(`fake provider exited (${code}): ${out}`)));
  });
}

function stopFake(fake: FakeProcess | undefined): Promise<void> {
  if (!fake || fake.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    fake.child.once('exit', () => resolve());
    fake.child.kill('SIGTERM');
    setTimeout(() => fake.child.kill('SIGKILL'), 5_000).unref();
  });
}

async function writeConfig(file: string, url: string): Promise<string> {
  const config = {
    providers: [
      { name: 'fake-openai', endpoint: `${url}/v1`, providerType: 'openai', apiKey: 'fake-key-for-the-rehearsal' },
      { name: 'fake-anthropic', endpoint: url, providerType: 'anthropic', apiKey: 'fake-key-for-the-rehearsal' },
    ],
    models: [
      { alias: 'writer', model: 'gpt-4o-mini', provider: 'fake-openai', inferenceParameters: { maxTokens: 64, maxParallelRequests: 8 } },
      {
        alias: 'judge',
        model: 'claude-sonnet-4-5',
        provider: 'fake-anthropic',
        inferenceParameters: { maxTokens: 64, maxParallelRequests: 8 },
      },
      {
        alias: 'embedder',
        model: 'text-embedding-3-small',
        provider: 'fake-openai',
        inferenceParameters: { generationType: 'embedding', maxParallelRequests: 8 },
      },
    ],
  };
  await writeFile(file, JSON.stringify(config));
  return file;
}

let dir: string;
let clean: FakeProcess | undefined;
let faulty: FakeProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-staging-rehearsal-'));
  clean = await startFake([]);
  // The planted degradation: 60 % of requests answered 500 (with a 20 ms retry-after-ms, so the
  // retries do not sleep for seconds); with two retries about 22 % of calls fail for good.
  const script = join(dir, 'faults.json');
  await writeFile(
    script,
    JSON.stringify({ seed: 7, faults: [{ rate: 0.6, fault: { kind: 'status', status: 500, headers: { 'retry-after-ms': '20' } } }] }),
  );
  faulty = await startFake(['--script', script]);
}, 60_000);

afterAll(async () => {
  await Promise.all([stopFake(clean), stopFake(faulty)]);
  await rm(dir, { recursive: true, force: true });
});

async function job(engine: string, config: string, name: string): Promise<string> {
  const summary = join(dir, name);
  const result = await runScript(
    'staging-job',
    ['--config', config, '--engine', engine, '--calls', CALLS, '--concurrency', CONCURRENCY, '--summary-json', summary],
    { timeoutMs: 170_000 },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return summary;
}

describe.runIf(ENGINES.includes('legacy'))('staging rehearsal: fake provider → legacy and v2 runs → npm run gate', () => {
  it('the same workload on legacy and on v2 passes the gate; with 500s planted for v2 the gate fails naming alias and metric', {
    timeout: 420_000,
  }, async () => {
    const cleanConfig = await writeConfig(join(dir, 'clean.json'), clean!.url);
    const faultyConfig = await writeConfig(join(dir, 'faulty.json'), faulty!.url);
    const legacy = await job('legacy', cleanConfig, 'legacy-run.json');
    const v2 = await job('v2', cleanConfig, 'v2-run.json');

    const legacySummary = JSON.parse(await readFile(legacy, 'utf8'));
    expect(legacySummary.schema).toBe('dd-run-summary/1');
    expect(legacySummary.entries.map((e: { alias: string; engine: string; calls: number }) => [e.alias, e.engine, e.calls]).sort()).toEqual(
      ALIASES.map((alias) => [alias, 'legacy', Number(CALLS)]).sort(),
    );

    const pass = await runScript('gate', ['--baseline', legacy, '--candidate', v2, '--json', join(dir, 'gate-pass.json')]);
    expect(pass.stdout).toContain('PASS: 3 aliases within the thresholds');
    expect(pass.code).toBe(0);

    const degraded = await job('v2', faultyConfig, 'v2-degraded-run.json');
    const fail = await runScript('gate', ['--baseline', legacy, '--candidate', degraded, '--json', join(dir, 'gate-fail.json')]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/^FAIL: \d+ failing \(alias, metric\):$/m);
    const report = JSON.parse(await readFile(join(dir, 'gate-fail.json'), 'utf8')) as { failures: { alias: string; metric: string }[] };
    const failing = report.failures.map((f) => `${f.alias}/${f.metric}`);
    // Every alias sends to the faulty provider: each fails on its error rate.
    for (const alias of ALIASES) {
      expect(failing).toContain(`${alias}/error-rate`);
      expect(fail.stdout).toMatch(
        new RegExp(`^  ${alias}: error rate baseline 0%, candidate \\d+(\\.\\d+)?%, \\+\\d+(\\.\\d+)?pp, threshold 0\\.5pp`, 'm'),
      );
    }
    // The retries the faults caused are on the table, as information.
    expect(fail.stdout).toMatch(/^writer\s+legacy → v2\s+retries \/ call\s+0\s+(?!0\s)\d[\d.]*\s/m);
  });
});
