// Compare's parity rules (docs/harness.md), shared by the compare harness and shadow mode: two
// runs of one canonical call agree when their canonical outcome (result without its id, or error
// class and status), wire requests (method, path, body), attempt count and asked-for sleeps agree.
import { canonicalJson, diffJson, dropKeys } from './json-diff.ts';

export interface ParityRun {
  ok: boolean;
  response?: unknown;
  error?: { type?: string; status?: number };
  attempts: number;
  requests: readonly { method: string; path: string; body: unknown }[];
  sleeps: readonly number[];
  /** Concurrent requests (a fan-out): requests and sleeps compare as multisets. */
  unordered: boolean;
}

export interface ParityDifference {
  path: string;
  left: unknown;
  right: unknown;
}

export function sortedNumbers(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function canonicalOutcome(run: Pick<ParityRun, 'ok' | 'response' | 'error'>): unknown {
  // Only the response's own id is provider noise; tool-call ids (incl. synthesised ones) must agree.
  if (run.ok) return { response: { ...(run.response as Record<string, unknown>), id: undefined } };
  return { error: { type: run.error?.type, status: run.error?.status } };
}

/** The path as compared: no query, percent-escapes upper-cased. */
export function comparablePath(path: string): string {
  return path.split('?')[0].replace(/%[0-9a-f]{2}/gi, (s) => s.toUpperCase());
}

/** Every difference between two runs of one call; `ignore` names body keys dropped at any depth. */
export function parityDifferences(left: ParityRun, right: ParityRun, ignore: ReadonlySet<string> = new Set()): ParityDifference[] {
  const diffs: ParityDifference[] = [...diffJson(canonicalOutcome(left), canonicalOutcome(right))];
  // Concurrent requests arrive in any order: both sides are put in one canonical order first.
  const unordered = left.unordered || right.unordered;
  const wire = (run: ParityRun) => {
    const sent = run.requests.map((r) => ({ method: r.method, path: comparablePath(r.path), body: dropKeys(r.body, ignore) }));
    if (!unordered) return sent;
    return sent
      .map((r) => ({ key: canonicalJson(r), r }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ r }) => r);
  };
  diffs.push(...diffJson(wire(left), wire(right), '$.requests'));
  if (left.attempts !== right.attempts) diffs.push({ path: '$.attempts', left: left.attempts, right: right.attempts });
  const sleeps = (run: ParityRun) => (unordered ? sortedNumbers(run.sleeps) : [...run.sleeps]);
  diffs.push(...diffJson(sleeps(left), sleeps(right), '$.sleeps'));
  return diffs;
}
