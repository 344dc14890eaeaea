// dd.shadow.calls: an observable counter read from shadow mode's counters at each collection, one
// series per (alias, provider type, primary engine, shadow engine, outcome). Shadow mode keeps the
// counts (src/shadow/shadow-counters.ts); this only reports them, so nothing is counted twice and a
// registry without shadow mode registers nothing.
import type { Meter, ObservableCallback } from '@opentelemetry/api';
import type { ShadowSummaryEntry } from './run-summary.ts';
import {
  ATTR_DD_ENGINE,
  ATTR_DD_MODEL_ALIAS,
  ATTR_DD_PROVIDER_TYPE,
  ATTR_DD_SHADOW_ENGINE,
  ATTR_DD_SHADOW_OUTCOME,
  ATTR_GEN_AI_PROVIDER_NAME,
} from './attribute-names.ts';
import { METRIC_SHADOW_CALLS, UNIT_CALLS } from './metric-names.ts';
import { GEN_AI_PROVIDER_NAMES } from './provider-names.ts';

/** The counter fields reported, under the outcome names the metric uses. */
export const SHADOW_OUTCOMES = {
  sampled: 'sampled',
  compared: 'compared',
  inParity: 'in_parity',
  outOfParity: 'out_of_parity',
  dropped: 'dropped',
  failed: 'failed',
  skipped: 'skipped',
} as const;

export type ShadowCountsEntry = ShadowSummaryEntry;

/** Registers the counter's callback; the returned function removes it (registry close). */
export function registerShadowMetric(meter: Meter, read: () => readonly ShadowCountsEntry[]): () => void {
  const counter = meter.createObservableCounter(METRIC_SHADOW_CALLS, {
    description: 'Shadow mode: sampled calls and what became of them (compared, in/out of parity, dropped, failed, skipped).',
    unit: UNIT_CALLS,
  });
  const callback: ObservableCallback = (result) => {
    for (const entry of read()) {
      for (const [field, outcome] of Object.entries(SHADOW_OUTCOMES) as [keyof typeof SHADOW_OUTCOMES, string][]) {
        result.observe(entry[field], {
          [ATTR_DD_MODEL_ALIAS]: entry.alias,
          [ATTR_DD_PROVIDER_TYPE]: entry.providerType,
          [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAMES[entry.providerType],
          [ATTR_DD_ENGINE]: entry.primary,
          [ATTR_DD_SHADOW_ENGINE]: entry.shadow,
          [ATTR_DD_SHADOW_OUTCOME]: outcome,
        });
      }
    }
  };
  counter.addCallback(callback);
  return () => counter.removeCallback(callback);
}
