// What a registry owns for observability: one tracer and meter (from the options or the global
// providers), the metric instruments, the admission gauge, and the run-summary recorder.
import { metrics, trace, type Tracer } from '@opentelemetry/api';
import { registerAdmissionGauge, type AdmissionSource } from './admission-gauge.ts';
import { FacadeTelemetry, type FacadeIdentity } from './facade-telemetry.ts';
import { INSTRUMENTATION_SCOPE } from './metric-names.ts';
import { createModelInstruments, type ModelInstruments } from './model-instruments.ts';
import type { ObservabilityOptions } from './observability-options.ts';
import { RunSummaryRecorder, type RunSummary } from './run-summary.ts';

export class RegistryObservability {
  readonly #tracer: Tracer;
  readonly #instruments: ModelInstruments;
  readonly #recorder = new RunSummaryRecorder();
  readonly #captureContent: boolean;
  readonly #unregisterGauge: () => void;

  constructor(options: ObservabilityOptions = {}, admission?: AdmissionSource) {
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
    const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
    this.#tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
    const meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE);
    this.#instruments = createModelInstruments(meter);
    this.#captureContent = options.captureContent === true;
    this.#unregisterGauge = admission ? registerAdmissionGauge(meter, admission) : () => {};
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
    return this.#recorder.summary();
  }

  close(): void {
    this.#unregisterGauge();
  }
}
