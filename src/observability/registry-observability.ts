// What a registry owns for observability: one tracer and meter (from the options or the global
// providers), the metric instruments, the admission gauge, and the run-summary recorder.
import type { Tracer } from '@opentelemetry/api';
import { registerAwsCredentialSecrets, registerSecret } from '../core/secrets.ts';
import { registerAdmissionGauge, type AdmissionSource } from './admission-gauge.ts';
import { FacadeTelemetry, type FacadeIdentity } from './call-telemetry/facade-telemetry.ts';
import { INSTRUMENTATION_SCOPE } from './metric-names.ts';
import { otelApi } from './otel-api.ts';
import { createModelInstruments, type ModelInstruments } from './model-instruments.ts';
import type { ObservabilityOptions } from './observability-options.ts';
import { RunSummaryRecorder, type RunSummary } from './run-summary.ts';
import { registerShadowMetric, type ShadowCountsEntry } from './shadow-metric.ts';

export class RegistryObservability {
  readonly #tracer: Tracer;
  readonly #instruments: ModelInstruments;
  readonly #recorder = new RunSummaryRecorder();
  readonly #captureContent: boolean;
  readonly #unregisterGauge: () => void;
  readonly #unregisterShadow: () => void;
  readonly #shadowCounts?: () => readonly ShadowCountsEntry[];

  /** `shadowCounts`: shadow mode's counters, when shadow mode is on (metric `dd.shadow.calls`, run summary `shadow`). */
  constructor(options: ObservabilityOptions = {}, admission?: AdmissionSource, shadowCounts?: () => readonly ShadowCountsEntry[]) {
    const tracerProvider = options.tracerProvider ?? otelApi().trace.getTracerProvider();
    const meterProvider = options.meterProvider ?? otelApi().metrics.getMeterProvider();
    this.#tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
    const meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE);
    this.#instruments = createModelInstruments(meter);
    this.#captureContent = options.captureContent === true;
    if (this.#captureContent) registerEnvironmentCredentials();
    this.#unregisterGauge = admission ? registerAdmissionGauge(meter, admission) : () => {};
    this.#shadowCounts = shadowCounts;
    this.#unregisterShadow = shadowCounts ? registerShadowMetric(meter, shadowCounts) : () => {};
  }

  facadeTelemetry(identity: FacadeIdentity): FacadeTelemetry {
    return new FacadeTelemetry({
      identity,
      tracer: this.#tracer,
      instruments: this.#instruments,
      accumulator: this.#recorder.accumulator({
        alias: identity.alias,
        engine: identity.engine ?? 'v2',
        providerType: identity.providerType,
        providerName: identity.providerName,
        model: identity.model,
      }),
      captureContent: this.#captureContent,
    });
  }

  runSummary(): RunSummary {
    const summary = this.#recorder.summary();
    return this.#shadowCounts ? { ...summary, shadow: [...this.#shadowCounts()] } : summary;
  }

  close(): void {
    this.#unregisterGauge();
    this.#unregisterShadow();
  }
}

/**
 * With content capture on, the AWS credentials of the environment are secrets before the first
 * capture: the engines register the credentials they resolve only when they sign, after the first
 * call's prompt has been captured (docs/observability.md, "Content capture").
 */
function registerEnvironmentCredentials(env: Readonly<Record<string, string | undefined>> = process.env): void {
  registerAwsCredentialSecrets({
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN,
  });
  registerSecret(env.AWS_BEARER_TOKEN_BEDROCK);
}
