// "Did you mean …?": the name a typo most likely meant, for config keys (load-config.ts) and
// command-line flags (command-line-flags.ts) alike.

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

/** The allowed key a typo most likely meant: same letters in another case, or ≤ 2 edits away. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const letters = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const lowered = letters(key);
  // `apiKey` where `api_key` is expected (and the reverse) is the same key in the other shape.
  const sameLetters = allowed.find((candidate) => letters(candidate) === lowered);
  if (sameLetters) return sameLetters;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}
