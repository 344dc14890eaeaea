// The order config errors are told in (issue 12, item 9): a typo'd key first, with its "did you
// mean", and not the "required" complaint about the key it was meant to be, which the guess
// already explains. Otherwise a user fixing the first line fixes the wrong thing.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

const pathKey = (path: readonly PropertyKey[]): string => JSON.stringify(path.map((segment) => String(segment)));

/** zod's wording for a key that is absent (its value is undefined). */
function isMissingValue(issue: Issue): boolean {
  return issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
}

/**
 * Unknown-key issues first; a missing-key issue dropped when an unknown key beside it was
 * probably meant for it (`meant` gives the allowed keys the issue's unknown keys were guessed to
 * mean); every other issue kept, in zod's order.
 */
export function typosFirst(issues: readonly Issue[], meant: (issue: Issue) => readonly string[]): Issue[] {
  const unknown = issues.filter((issue) => issue.code === 'unrecognized_keys');
  const explained = new Set(unknown.flatMap((issue) => meant(issue).map((key) => pathKey([...issue.path, key]))));
  const rest = issues.filter(
    (issue) => issue.code !== 'unrecognized_keys' && !(isMissingValue(issue) && explained.has(pathKey(issue.path))),
  );
  return [...unknown, ...rest];
}
