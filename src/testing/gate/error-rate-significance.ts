// The small-sample rule for the error-rate metric: an increase fails the gate only when it is
// both larger than the threshold and unlikely to be chance — a one-sided two-proportion z-test
// of "candidate error rate > baseline error rate". The standard error uses Laplace-adjusted
// proportions ((x + 1) / (n + 2)), so zero failures on both sides still has a non-zero spread
// and a handful of calls can never look certain.

/** One-sided z quantiles for the confidences the gate accepts. */
const Z_ONE_SIDED: Record<string, number> = { '0.9': 1.2816, '0.95': 1.6449, '0.975': 1.96, '0.99': 2.3263 };

export function zFor(confidence: number): number {
  const z = Z_ONE_SIDED[String(confidence)];
  if (z === undefined) throw new Error(`no z quantile for confidence ${confidence} (use 0.9, 0.95, 0.975 or 0.99)`);
  return z;
}

/** z statistic of (candidate rate − baseline rate); positive means the candidate fails more. */
export function errorRateZ(baseline: { failures: number; calls: number }, candidate: { failures: number; calls: number }): number {
  const adjusted = (x: number, n: number) => (x + 1) / (n + 2);
  const pb = adjusted(baseline.failures, baseline.calls);
  const pc = adjusted(candidate.failures, candidate.calls);
  const se = Math.sqrt((pb * (1 - pb)) / Math.max(baseline.calls, 1) + (pc * (1 - pc)) / Math.max(candidate.calls, 1));
  const delta = candidate.failures / Math.max(candidate.calls, 1) - baseline.failures / Math.max(baseline.calls, 1);
  return delta / se;
}
