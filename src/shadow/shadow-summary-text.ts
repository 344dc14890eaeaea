// Shadow mode's counters as a CLI prints them (staging-job, dd-models generate), with their own
// arithmetic checked (issue 25, item 12): once shadow mode is idle every sampled call is compared,
// dropped, failed or skipped exactly once, every compared call is in or out of parity, and no more
// fixtures were written than calls were out of parity. A summary that breaks one cannot be judged.
import type { ShadowCounterEntry } from './shadow-counters.ts';

/** Why an idle entry's counts do not add up, or undefined when they do. */
export function shadowCountsProblem(e: ShadowCounterEntry): string | undefined {
  const settled = e.compared + e.dropped + e.failed + e.skipped;
  if (settled !== e.sampled) {
    return `sampled ${e.sampled} ≠ compared ${e.compared} + dropped ${e.dropped} + failed ${e.failed} + skipped ${e.skipped}`;
  }
  if (e.inParity + e.outOfParity !== e.compared) {
    return `compared ${e.compared} ≠ in parity ${e.inParity} + out of parity ${e.outOfParity}`;
  }
  if (e.fixturesWritten > e.outOfParity) return `fixtures written ${e.fixturesWritten} > out of parity ${e.outOfParity}`;
  return undefined;
}

/** One line per entry naming the first entry whose counts do not add up; empty when all do. */
export function shadowCountsProblems(entries: readonly ShadowCounterEntry[]): string[] {
  return entries.flatMap((e) => {
    const problem = shadowCountsProblem(e);
    return problem ? [`shadow counters of alias '${visible(e.alias)}' (${e.primary} → ${e.shadow}) do not add up: ${problem}`] : [];
  });
}

/** Control characters of an alias written as \xNN, so a name cannot drive the terminal. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The lines a CLI prints: a heading, then one line per (alias, engine pair). */
export function formatShadowSummary(entries: readonly ShadowCounterEntry[]): string[] {
  if (entries.length === 0) return ['shadow: no call was made on a shadowed alias'];
  return [
    'shadow (once idle: sampled = compared + dropped + failed + skipped):',
    ...entries.map(
      (e) =>
        `  ${visible(e.alias)} (${e.primary} primary, ${e.shadow} shadow): sampled ${e.sampled}, compared ${e.compared} ` +
        `(in parity ${e.inParity}, out of parity ${e.outOfParity}), dropped ${e.dropped}, failed ${e.failed}, skipped ${e.skipped}, ` +
        `fixtures ${e.fixturesWritten}`,
    ),
  ];
}
