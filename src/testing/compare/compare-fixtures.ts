// Replays fixtures through both engines and turns the comparisons into report cases.
import type { Fixture, LoadedFixture } from '../fixture.ts';
import { compareEngines, type RunHooks } from '../run-fixture.ts';
import { buildCase, type CompareCase } from './compare-report.ts';

export function filterFixtures(fixtures: LoadedFixture[], filter: string | undefined): LoadedFixture[] {
  if (!filter) return fixtures;
  const needle = filter.toLowerCase();
  return fixtures.filter(({ file, fixture }) => fixture.name.toLowerCase().includes(needle) || file.toLowerCase().includes(needle));
}

export interface CompareFixturesOptions {
  hooks?: RunHooks;
  /** Called after each case, e.g. to advance a progress bar. */
  onCase?: (c: CompareCase) => void;
}

/**
 * SPEC §10: without `request` the call is the default "Hello", so the recorded bodies (of some
 * other question) are not compared — such a case is judged on parity alone. run-fixture does
 * not apply this rule yet; until it does, compare applies it here.
 */
function replayable(fixture: Fixture): Fixture {
  if (fixture.request !== undefined) return fixture;
  return { ...fixture, exchanges: fixture.exchanges.map((e) => ({ ...e, request: { ...e.request, body: undefined } })) };
}

/**
 * One case at a time: the engines keep per-(provider, model) throttle state, and cases that
 * share a model must not see each other's 429s.
 */
export async function compareFixtures(fixtures: LoadedFixture[], options: CompareFixturesOptions = {}): Promise<CompareCase[]> {
  const cases: CompareCase[] = [];
  for (const { file, fixture } of fixtures) {
    const comparison = await compareEngines(replayable(fixture), { hooks: options.hooks });
    const c = buildCase({ name: fixture.name, provider: fixture.provider, operation: fixture.operation, file }, comparison);
    cases.push(c);
    options.onCase?.(c);
  }
  return cases;
}
