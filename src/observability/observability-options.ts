import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

/** The registry's `observability` option (docs/observability.md). */
export interface ObservabilityOptions {
  /**
   * Put prompts and answers on the model-call spans (gen_ai.input.messages / gen_ai.output.messages),
   * redacted like logs. Off by default: no content ever leaves in telemetry without this.
   */
  captureContent?: boolean;
  /** Default: the global tracer provider (a no-op until the host registers an SDK). */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider as it is when the registry is created. */
  meterProvider?: MeterProvider;
}
