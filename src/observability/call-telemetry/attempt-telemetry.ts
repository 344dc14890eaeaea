// One HTTP attempt an engine reported: a child span of its model call, the attempt-level
// metrics, and the run-summary counters (attempts, retries, rate-limited attempts).
import type { Attributes, Span } from '@opentelemetry/api';
import { DataDesignerError, ModelRateLimitError } from '../../core/errors.ts';
import type { AttemptObserver, AttemptStart } from '../../core/model-client.ts';
import {
  ATTR_DD_ADMISSION_WAIT_MS,
  ATTR_DD_ATTEMPT,
  ATTR_DD_ERROR_CLASS,
  ATTR_DD_RATE_LIMITED,
  ATTR_DD_RETRY_AFTER_MS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from '../attribute-names.ts';
import { errorClassOf } from '../error-class.ts';
import { otelApi } from '../otel-api.ts';
import type { ModelCallScope } from './telemetry-scope.ts';

export class AttemptTelemetry implements AttemptObserver {
  readonly #model: ModelCallScope;
  readonly #span: Span;
  readonly #t0 = performance.now();

  constructor(model: ModelCallScope, start: AttemptStart) {
    this.#model = model;
    const { call, telemetry, operation } = model;
    const metricAttributes = telemetry.metricAttributes(operation);
    call.attempts += 1;
    if (start.attempt > 1) {
      call.retries += 1;
      telemetry.instruments.retries.add(1, metricAttributes);
    }
    const waitMs = start.admissionWaitMs ?? 0;
    telemetry.instruments.admissionWait.record(waitMs / 1000, metricAttributes);
    this.#span = telemetry.tracer.startSpan(
      `attempt ${start.attempt}`,
      {
        kind: otelApi().SpanKind.CLIENT,
        attributes: { ...telemetry.spanAttributes, [ATTR_DD_ATTEMPT]: start.attempt, [ATTR_DD_ADMISSION_WAIT_MS]: waitMs },
      },
      model.context,
    );
  }

  /** Never throws into the engine's retry loop (see ModelCallTelemetry.attemptStarted). */
  attemptEnded(error?: unknown): void {
    try {
      this.#ended(error);
    } catch {
      // The attempt's telemetry is lost; the call goes on untouched.
    }
  }

  #ended(error: unknown): void {
    const { call, telemetry, operation } = this.#model;
    const seconds = (performance.now() - this.#t0) / 1000;
    const span = this.#span;
    if (error === undefined) {
      telemetry.instruments.attemptDuration.record(seconds, telemetry.metricAttributes(operation));
      span.end();
      return;
    }
    const errorClass = errorClassOf(error);
    const rateLimited = error instanceof ModelRateLimitError;
    const attributes: Attributes = {
      ...telemetry.metricAttributes(operation),
      [ATTR_ERROR_TYPE]: errorClass,
      [ATTR_DD_ERROR_CLASS]: errorClass,
    };
    telemetry.instruments.attemptDuration.record(seconds, attributes);
    if (rateLimited) {
      call.rateLimited += 1;
      telemetry.instruments.rateLimited.add(1, telemetry.metricAttributes(operation));
    }
    if (span.isRecording()) {
      span.setAttributes({ [ATTR_ERROR_TYPE]: errorClass, [ATTR_DD_ERROR_CLASS]: errorClass, [ATTR_DD_RATE_LIMITED]: rateLimited });
      if (error instanceof DataDesignerError) {
        if (error.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, error.status);
        if (error.retryAfterMs !== undefined) span.setAttribute(ATTR_DD_RETRY_AFTER_MS, error.retryAfterMs);
      }
      span.setStatus({ code: otelApi().SpanStatusCode.ERROR, message: errorClass });
    }
    span.end();
  }
}
