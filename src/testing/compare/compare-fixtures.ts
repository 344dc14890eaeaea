// Replays fixtures through both engines and turns the comparisons into report cases.
import { expectsNoRequest, type LoadedFixture } from '../fixture.ts';
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
 * One case at a time: the engines keep per-(provider, model) admission state, and cases that
 * share a model must not see each other's 429s.
 */
export async function compareFixtures(fixtures: LoadedFixture[], options: CompareFixturesOptions = {}): Promise<CompareCase[]> {
  const cases: CompareCase[] = [];
  for (const { file, fixture } of fixtures) {
    const comparison = await compareEngines(fixture, { hooks: options.hooks });
    const identity = {
      name: fixture.name,
      provider: fixture.provider,
      operation: fixture.operation,
      file,
      noRequestExpected: expectsNoRequest(fixture),
    };
    const c = buildCase(identity, comparison);
    cases.push(c);
    options.onCase?.(c);
  }
  return cases;
}
