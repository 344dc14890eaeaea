// "Did you mean …?" for a mistyped key, value or flag: shared by the config loader (unknown keys), the
// schemas (unknown values such as a provider's `dialect`) and command-line-flags.ts (unknown flags).

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The allowed name a typo most likely meant: same letters in another case, or ≤ 2 edits away. */
export function closestName(given: string, allowed: readonly string[]): string | undefined {
  const letters = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const lowered = letters(given);
  // `apiKey` where `api_key` is expected (and the reverse) is the same key in the other shape.
  const sameLetters = allowed.find((candidate) => letters(candidate) === lowered);
  if (sameLetters) return sameLetters;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(given.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
