// The dist cold start's bare-SDK cases: each child process really makes its one call (the
// fake provider counts it) and reports how long after its start it was done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldStartRun } from '../../src/testing/bench/cold-start.ts';
import { type FakeProvider, startFakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { REPO_ROOT } from './support/run-script.ts';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

describe('bench cold start', () => {
  it('the baseline imports nothing and calls nobody', async () => {
    const before = fake.stats().requests;
    const sample = await coldStartRun(REPO_ROOT, fake.endpoints, { kind: 'baseline' });
    expect(sample.wallMs).toBeGreaterThan(0);
    expect(sample.cpuMs).toBeGreaterThan(0);
    expect(fake.stats().requests).toBe(before);
  });

  for (const provider of ['openai', 'anthropic', 'bedrock'] as const) {
    it(`the bare ${provider} SDK case makes exactly one successful call`, async () => {
      const before = fake.stats().requests;
      const sample = await coldStartRun(REPO_ROOT, fake.endpoints, { kind: 'sdk', provider });
      expect(sample.wallMs).toBeGreaterThan(0);
      expect(fake.stats().requests).toBe(before + 1);
    }, 30_000);
  }

  it('the bare-SDK "all" case makes one successful call per provider in one process', async () => {
    const before = fake.stats().requests;
    const sample = await coldStartRun(REPO_ROOT, fake.endpoints, { kind: 'sdk', provider: 'all' });
    expect(sample.cpuMs).toBeGreaterThan(0);
    expect(fake.stats().requests).toBe(before + 3);
  }, 30_000);
});
