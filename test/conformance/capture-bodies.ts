// Captures the request bodies each engine really sends: every fixture is run through the public
// harness (src/testing/run-fixture.ts) against a loopback replay server, and the bodies that
// reached the server are kept with what is needed to judge them. Nothing of ours is mocked.
import type { EngineName } from '../../src/core/model-client.ts';
import type { Fixture } from '../../src/testing/fixture.ts';
import { runFixture, type FixtureRun } from '../../src/testing/run-fixture.ts';
import { ENGINES, RUN_TIMEOUT_MS } from '../contract/support.ts';

export type BodySource = 'fixtures' | 'wire-corpus' | 'generated';

export interface CapturedBody {
  source: BodySource;
  fixture: string;
  provider: Fixture['provider'];
  operation: Fixture['operation'];
  model: string;
  engine: EngineName;
  path: string;
  body: unknown;
  /** Top-level keys of the canonical request's `extra_body` (docs/contract.md "Provider translation": sent, never validated). */
  extraBodyKeys: ReadonlySet<string>;
}

export interface CaptureResult {
  bodies: CapturedBody[];
  runs: { fixture: Fixture; run: FixtureRun }[];
}

function extraBodyKeys(fixture: Fixture): Set<string> {
  const extra = (fixture.request as { extra_body?: Record<string, unknown> } | undefined)?.extra_body;
  return new Set(extra && typeof extra === 'object' ? Object.keys(extra) : []);
}

export async function captureBodies(source: BodySource, fixtures: readonly Fixture[]): Promise<CaptureResult> {
  const bodies: CapturedBody[] = [];
  const runs: CaptureResult['runs'] = [];
  for (const fixture of fixtures) {
    for (const engine of ENGINES) {
      const run = await runFixture(fixture, engine, { timeoutMs: RUN_TIMEOUT_MS });
      runs.push({ fixture, run });
      for (const request of run.requests) {
        if (request.body === undefined) continue;
        bodies.push({
          source,
          fixture: fixture.name,
          provider: fixture.provider,
          operation: fixture.operation,
          model: fixture.model,
          engine,
          path: request.path,
          body: request.body,
          extraBodyKeys: extraBodyKeys(fixture),
        });
      }
    }
  }
  return { bodies, runs };
}
