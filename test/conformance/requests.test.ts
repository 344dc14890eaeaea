// Issue 11: every request body both engines send — for the bundled fixtures, the shared wire
// corpus and a generated set covering every translation rule — is valid for the provider's own
// API definition (../shared/api-specs, read in place). `npm run compare` proves the engines agree;
// this proves what they agree on is something the provider accepts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFixtures, type Fixture } from '../../src/testing/fixture.ts';
import { installNetworkGuard, type NetworkGuard } from '../contract/network-guard.ts';
import { ENGINES, FIXTURES_DIR, REPO_ROOT, WIRE_CORPUS_DIR } from '../contract/support.ts';
import { generatedFixtures } from './canonical-requests.ts';
import { captureBodies, type BodySource, type CapturedBody } from './capture-bodies.ts';
import { judgeRequest, type Validators } from './judge-request.ts';
import { buildValidators } from './validators.ts';

const SOURCES: Record<BodySource, Fixture[]> = {
  fixtures: (await loadFixtures([FIXTURES_DIR], REPO_ROOT)).map((l) => l.fixture),
  'wire-corpus': (await loadFixtures([WIRE_CORPUS_DIR], REPO_ROOT)).map((l) => l.fixture),
  generated: generatedFixtures(),
};

let validators: Validators;
let guard: NetworkGuard;
const tally = new Map<string, number>();
const passThroughs = new Map<string, number>();

beforeAll(() => {
  validators = buildValidators();
  guard = installNetworkGuard();
}, 120_000);
afterAll(() => {
  guard?.uninstall();
  const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `  ${key}: ${n}`);
  const listed = [...passThroughs.entries()].map(([key, n]) => `  ${key} (×${n})`);
  console.log(
    `request bodies validated (source / provider / engine):\n${rows.join('\n')}\npass-through (listed, not violations):\n${listed.join('\n') || '  none'}`,
  );
});
beforeEach(() => {
  guard?.take();
});

function count(body: CapturedBody): void {
  const key = `${body.source} / ${body.provider} / ${body.engine}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

describe("request bodies conform to the providers' API definitions", () => {
  for (const source of Object.keys(SOURCES) as BodySource[]) {
    it(`${source}: every body both engines send is valid (${SOURCES[source].length} cases)`, async () => {
      const { bodies, runs } = await captureBodies(source, SOURCES[source]);
      const problems: string[] = [];
      for (const where of guard.take()) problems.push(`network: a connection to ${where} left the loopback`);
      for (const body of bodies) {
        count(body);
        const verdict = judgeRequest(body, validators);
        for (const v of verdict.violations) problems.push(`${body.fixture} [${body.engine}] ${body.path} vs ${verdict.against}: ${v}`);
        for (const p of verdict.passThrough) {
          const key = `${body.provider} extra_body '${p.key}' in ${body.fixture}: ${p.reason}`;
          passThroughs.set(key, (passThroughs.get(key) ?? 0) + 1);
        }
      }
      // Both engines send the same number of bodies, and every provider × engine is covered.
      for (const provider of ['openai', 'anthropic', 'bedrock'] as const) {
        const of = (engine: string) => bodies.filter((b) => b.provider === provider && b.engine === engine).length;
        for (const engine of ENGINES) {
          expect(of(engine), `${source}: ${engine} bodies for ${provider}`).toBeGreaterThan(0);
          expect(of(engine), `${source}: ${engine} bodies for ${provider}`).toBe(of(ENGINES[0]));
        }
      }
      if (source === 'generated') {
        // Each generated request is one a provider accepts: both engines send it and read the answer.
        for (const { fixture, run } of runs) {
          if (!run.ok || run.requests.length === 0)
            problems.push(`${fixture.name} [${run.engine}] did not complete: ${run.error?.type}: ${run.error?.message}`);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
    }, 600_000);
  }
});
