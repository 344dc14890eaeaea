// The phase-2 gate's thresholds: defaults (justified in docs/rollout-gates.md, "npm run gate") and the
// parsing of their command-line forms with units — `0.5pp`, `5%`, `1.2` (or `1.2x`).
import { UsageError } from '../compare/cli-options.ts';

export interface GateThresholds {
  /** Candidate error rate minus baseline, in percentage points, above which an alias fails. */
  maxErrorRateDeltaPp: number;
  /** Relative change of tokens per successful call (input, output), as a fraction (0.05 = 5 %). */
  maxTokenDelta: number;
  /** Candidate p95 latency / baseline p95 above which an alias fails. */
  maxP95Ratio: number;
  /** Below this many calls on either side, token and latency metrics are shown but not judged. */
  minCalls: number;
  /** One-sided confidence an error-rate increase must reach to fail (0.95 → z > 1.645). */
  confidence: number;
}

export const DEFAULT_THRESHOLDS: GateThresholds = {
  maxErrorRateDeltaPp: 0.5,
  maxTokenDelta: 0.05,
  maxP95Ratio: 1.2,
  minCalls: 30,
  confidence: 0.95,
};

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/** `0.5pp` (or `0.5`): percentage points. A `%` is refused: "0.5 %" of an error rate is ambiguous. */
export function parsePercentagePoints(value: string, flag: string): number {
  const match = new RegExp(`^${NUMBER}\\s*(pp)?$`, 'i').exec(value.trim());
  if (!match || Number(match[1]) > 100) {
    throw new UsageError(`${flag} must be percentage points between 0 and 100, such as 0.5pp, got "${value}"`);
  }
  return Number(match[1]);
}

/** `5%` → 0.05; a bare number is a fraction only when written as one (`0.05`), so `5` is refused. */
export function parsePercent(value: string, flag: string): number {
  const match = new RegExp(`^${NUMBER}\\s*(%)?$`).exec(value.trim());
  if (match) {
    const number = Number(match[1]);
    if (match[2] === '%' && number <= 1000) return number / 100;
    if (match[2] === undefined && number <= 1) return number;
  }
  throw new UsageError(`${flag} must be a percentage such as 5% (or a fraction ≤ 1 such as 0.05), got "${value}"`);
}

/** `1.2` or `1.2x`: a ratio of at least 1 (a candidate may always be faster). */
export function parseRatio(value: string, flag: string): number {
  const match = new RegExp(`^${NUMBER}\\s*(x|×)?$`, 'i').exec(value.trim());
  if (!match || Number(match[1]) < 1) throw new UsageError(`${flag} must be a ratio ≥ 1 such as 1.2 (or 1.2x), got "${value}"`);
  return Number(match[1]);
}

export function parseMinCalls(value: string, flag: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1) throw new UsageError(`${flag} must be a whole number ≥ 1, got "${value}"`);
  return number;
}
