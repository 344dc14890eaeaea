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

/**
 * Text from a summary (alias names, error classes, file names) as the terminal shows it: C0 and C1
 * control characters (ESC starts ANSI/OSC sequences, 0x9b and 0x9d are their one-byte forms), DEL,
 * line and paragraph separators and bidirectional overrides are written as \xNN / \uNNNN, so a
 * name can neither recolour, retitle nor rewrite the verdict. Private to the gate for now: the
 * config branch writes a shared helper for every CLI (issue 25, item 8), which should replace it.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

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
