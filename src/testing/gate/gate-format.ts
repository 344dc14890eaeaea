// How the gate's numbers read, shared by the terminal table, the verdict lines and the HTML.
import type { GateMetric, GateRow } from './evaluate-gate.ts';

export const METRIC_LABELS: Record<GateMetric, string> = {
  'error-rate': 'error rate',
  'input-tokens-per-success': 'input tokens / success',
  'output-tokens-per-success': 'output tokens / success',
  'p95-latency': 'p95 latency',
  'retries-per-call': 'retries / call',
  'rate-limited-per-call': '429s / call',
  'call-count': 'calls',
  presence: 'present',
  engine: 'engine',
};

const trim = (value: number, digits: number) => String(+value.toFixed(digits));

export function formatValue(metric: GateMetric, value: number | null): string {
  if (value === null) return '–';
  switch (metric) {
    case 'error-rate':
      return `${trim(value, 2)}%`;
    case 'p95-latency':
      return `${trim(value, 1)} ms`;
    case 'presence':
    case 'call-count':
      return `${value} calls`;
    case 'engine':
      return '–';
    default:
      return trim(value, 3);
  }
}

export function formatDelta(metric: GateMetric, delta: number | null): string {
  if (delta === null) return '–';
  const sign = delta > 0 ? '+' : '';
  switch (metric) {
    case 'error-rate':
      return `${sign}${trim(delta, 2)}pp`;
    case 'input-tokens-per-success':
    case 'output-tokens-per-success':
      return `${sign}${trim(delta * 100, 2)}%`;
    case 'p95-latency':
    case 'call-count':
      return `${trim(delta, 2)}x`;
    default:
      return `${sign}${trim(delta, 3)}`;
  }
}

/** One line naming what failed: alias, metric, baseline, candidate, threshold. */
export function failureLine(row: GateRow): string {
  const limit = row.threshold ? `, threshold ${row.threshold}` : '';
  const note = row.note ? ` (${row.note})` : '';
  return `${row.alias}: ${METRIC_LABELS[row.metric]} baseline ${formatValue(row.metric, row.baseline)}, candidate ${formatValue(row.metric, row.candidate)}, ${formatDelta(row.metric, row.delta)}${limit}${note}`;
}
