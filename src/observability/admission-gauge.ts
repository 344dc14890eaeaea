// dd.admission.limit: an observable gauge read from the registry's admission snapshot at each
// collection — the attempts admission allows in flight now, per alias (v2's adaptive limit,
// legacy's fixed maxParallelRequests).
import type { Meter, ObservableCallback } from '@opentelemetry/api';
import type { AdmissionSnapshot } from '../core/admission-snapshot.ts';
import type { EngineName } from '../core/model-client.ts';
import type { ProviderType } from '../core/types.ts';
import {
  ATTR_DD_ADMISSION_DOMAIN,
  ATTR_DD_ADMISSION_POLICY,
  ATTR_DD_ENGINE,
  ATTR_DD_MODEL_ALIAS,
  ATTR_DD_PROVIDER_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
} from './attribute-names.ts';
import { METRIC_ADMISSION_LIMIT, UNIT_ATTEMPTS } from './metric-names.ts';
import { GEN_AI_PROVIDER_NAMES } from './provider-names.ts';

export interface AdmissionSource {
  admissionSnapshot(): Promise<AdmissionSnapshot[]>;
  /** Engine and provider type of an alias, or undefined for an alias the source does not know. */
  describeAlias(alias: string): { engine: EngineName; providerType: ProviderType } | undefined;
}

/** Registers the gauge's callback; the returned function removes it (registry close). */
export function registerAdmissionGauge(meter: Meter, source: AdmissionSource): () => void {
  const gauge = meter.createObservableGauge(METRIC_ADMISSION_LIMIT, {
    description: 'Attempts admission allows in flight now (v2 adaptive limit; legacy maxParallelRequests).',
    unit: UNIT_ATTEMPTS,
  });
  const callback: ObservableCallback = async (result) => {
    for (const entry of await source.admissionSnapshot()) {
      for (const alias of entry.aliases) {
        const described = source.describeAlias(alias);
        if (!described) continue;
        result.observe(entry.limit, {
          [ATTR_DD_ENGINE]: described.engine,
          [ATTR_DD_PROVIDER_TYPE]: described.providerType,
          [ATTR_DD_MODEL_ALIAS]: alias,
          [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAMES[described.providerType],
          [ATTR_GEN_AI_REQUEST_MODEL]: entry.model,
          [ATTR_DD_ADMISSION_POLICY]: entry.policy,
          [ATTR_DD_ADMISSION_DOMAIN]: entry.domain,
        });
      }
    }
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}
