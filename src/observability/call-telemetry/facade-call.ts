// One facade call (completion, embed or generate): its model calls, the run-summary counters
// they add up to, and — for generate — the parent span its model calls (tool-loop turns,
// corrections, restarts) are children of. completion and embed make exactly one model call,
// whose span is the call's only span.
import type { Context, Span } from '@opentelemetry/api';
import { ATTR_DD_ERROR_CLASS, ATTR_ERROR_TYPE, ATTR_GEN_AI_OPERATION_NAME, OPERATION_GENERATE } from '../attribute-names.ts';
import { errorClassOf } from '../error-class.ts';
import { ModelCallTelemetry } from './model-call.ts';
import { neverThrow } from '../never-throw.ts';
import { otelApi } from '../otel-api.ts';
import type { CallScope, ModelOperation, TelemetryScope } from './telemetry-scope.ts';

export class FacadeCall implements CallScope {
  readonly telemetry: TelemetryScope;
  readonly #record: boolean;
  readonly #startedAt = Date.now();
  readonly #t0 = performance.now();
  readonly #parentSpan?: Span;
  readonly #parentContext?: Context;
  attempts = 0;
  retries = 0;
  rateLimited = 0;
  inputTokens = 0;
  outputTokens = 0;
  reasoningTokens = 0;

  constructor(telemetry: TelemetryScope, kind: 'completion' | 'embed' | 'generate', record: boolean) {
    this.telemetry = telemetry;
    this.#record = record;
    if (kind === 'generate') {
      const parent = otelApi().context.active();
      this.#parentSpan = telemetry.tracer.startSpan(
        `${OPERATION_GENERATE} ${telemetry.identity.alias}`,
        {
          kind: otelApi().SpanKind.INTERNAL,
          attributes: { ...telemetry.spanAttributes, [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_GENERATE },
        },
        parent,
      );
      this.#parentContext = otelApi().trace.setSpan(parent, this.#parentSpan);
    }
  }

  /** One model call of this facade call (its span is a child of generate's span, if any). */
  modelCall(operation: ModelOperation): ModelCallTelemetry | undefined {
    return neverThrow(() => new ModelCallTelemetry(this, operation, this.#parentContext ?? otelApi().context.active()), undefined);
  }

  /** The call settled: `error` is what the caller gets (undefined on success). */
  end(error?: unknown, signal?: AbortSignal): void {
    neverThrow(() => this.#end(error, signal), undefined);
  }

  #end(error: unknown, signal: AbortSignal | undefined): void {
    const durationMs = performance.now() - this.#t0;
    const errorClass = error === undefined ? undefined : errorClassOf(error, signal);
    const span = this.#parentSpan;
    if (span) {
      if (errorClass !== undefined && span.isRecording()) {
        span.setAttributes({ [ATTR_ERROR_TYPE]: errorClass, [ATTR_DD_ERROR_CLASS]: errorClass });
        span.setStatus({ code: otelApi().SpanStatusCode.ERROR, message: errorClass });
      }
      span.end();
    }
    if (!this.#record) return;
    this.telemetry.accumulator.record({
      startedAt: this.#startedAt,
      endedAt: this.#startedAt + durationMs,
      durationMs,
      errorClass,
      attempts: this.attempts,
      retries: this.retries,
      rateLimited: this.rateLimited,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      reasoningTokens: this.reasoningTokens,
    });
  }
}
