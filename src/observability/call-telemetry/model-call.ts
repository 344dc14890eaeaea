// One model call (one ModelClient.chat or .embed) of a facade call: its span, its GenAI metrics,
// and the CallObserver the engine reports its HTTP attempts to (each attempt a child span).
import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { AttemptObserver, AttemptStart, CallObserver } from '../../core/model-client.ts';
import { registerCallHeaderSecrets } from '../../core/secrets.ts';
import type { ChatMessage, ChatResponse, EmbeddingResponse } from '../../core/types.ts';
import { AttemptTelemetry } from './attempt-telemetry.ts';
import {
  ATTR_DD_ERROR_CLASS,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '../attribute-names.ts';
import { captureChatOutput, captureInput } from '../content-capture.ts';
import { errorClassOf } from '../error-class.ts';
import { neverThrow } from '../never-throw.ts';
import { otelApi } from '../otel-api.ts';
import type { CallScope, ModelCallScope, ModelOperation, TelemetryScope } from './telemetry-scope.ts';

const UNOBSERVED_ATTEMPT: AttemptObserver = { attemptEnded: () => {} };

export class ModelCallTelemetry implements CallObserver, ModelCallScope {
  readonly call: CallScope;
  readonly operation: ModelOperation;
  readonly span: Span;
  readonly #parent: Context;
  readonly #t0 = performance.now();
  #context?: Context;
  /** Lets go of the call's credential headers as secrets (held from input() to the span's end). */
  #releaseSecrets: () => void = () => {};

  constructor(call: CallScope, operation: ModelOperation, parent: Context) {
    this.call = call;
    this.operation = operation;
    this.#parent = parent;
    const { tracer, identity, spanAttributes } = call.telemetry;
    this.span = tracer.startSpan(
      `${operation} ${identity.model}`,
      { kind: otelApi().SpanKind.CLIENT, attributes: { ...spanAttributes, [ATTR_GEN_AI_OPERATION_NAME]: operation } },
      parent,
    );
    call.telemetry.instruments.calls.add(1, call.telemetry.metricAttributes(operation));
  }

  get telemetry(): TelemetryScope {
    return this.call.telemetry;
  }

  /** The context attempt spans start in (this span as parent), made on the first attempt. */
  get context(): Context {
    this.#context ??= otelApi().trace.setSpan(this.#parent, this.span);
    return this.#context;
  }

  /**
   * Content goes on the span only with the opt-in, redacted. The call's own credential headers
   * (`extra_headers`) are secrets before anything is captured — the engine registers them only
   * once it sends — and stay so until the span ends (the answer is captured then).
   */
  input(messages: readonly ChatMessage[] | readonly string[], extraHeaders?: Readonly<Record<string, unknown>>): void {
    if (!this.telemetry.captureContent) return;
    neverThrow(() => {
      this.#releaseSecrets = registerCallHeaderSecrets(extraHeaders);
      if (this.span.isRecording()) captureInput(this.span, messages);
    }, undefined);
  }

  // Called from inside an engine's retry loop: a failure of ours (or of a host's span processor)
  // must never change the call, so it costs the attempt its telemetry and nothing else.
  attemptStarted(start: AttemptStart): AttemptObserver {
    try {
      return new AttemptTelemetry(this, start);
    } catch {
      return UNOBSERVED_ATTEMPT;
    }
  }

  chatSucceeded(response: ChatResponse): void {
    neverThrow(() => this.#chatSucceeded(response), undefined);
    this.#release();
  }

  embedSucceeded(response: EmbeddingResponse): void {
    neverThrow(() => {
      this.#succeeded(response.model, undefined, response.usage?.prompt_tokens, undefined, undefined);
      this.span.end();
    }, undefined);
    this.#release();
  }

  failed(error: unknown, signal: AbortSignal | undefined): void {
    neverThrow(() => this.#failed(error, signal), undefined);
    this.#release();
  }

  #release(): void {
    const release = this.#releaseSecrets;
    this.#releaseSecrets = () => {};
    neverThrow(release, undefined);
  }

  #chatSucceeded(response: ChatResponse): void {
    const usage = response.usage;
    this.#succeeded(response.model, response.id, usage?.prompt_tokens, usage?.completion_tokens, usage?.reasoning_tokens);
    if (this.span.isRecording()) {
      this.span.setAttribute(
        ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
        response.choices.map((choice) => choice.finish_reason ?? 'null'),
      );
      if (this.telemetry.captureContent) captureChatOutput(this.span, response);
    }
    this.span.end();
  }

  #failed(error: unknown, signal: AbortSignal | undefined): void {
    const errorClass = errorClassOf(error, signal);
    const telemetry = this.telemetry;
    const attributes: Attributes = {
      ...telemetry.metricAttributes(this.operation),
      [ATTR_ERROR_TYPE]: errorClass,
      [ATTR_DD_ERROR_CLASS]: errorClass,
    };
    telemetry.instruments.operationDuration.record((performance.now() - this.#t0) / 1000, attributes);
    telemetry.instruments.errors.add(1, attributes);
    if (this.span.isRecording()) {
      this.span.setAttributes({ [ATTR_ERROR_TYPE]: errorClass, [ATTR_DD_ERROR_CLASS]: errorClass });
      this.span.setStatus({ code: otelApi().SpanStatusCode.ERROR, message: errorClass });
    }
    this.span.end();
  }

  #succeeded(
    responseModel: string | undefined,
    responseId: string | undefined,
    input: number | undefined,
    output: number | undefined,
    reasoning: number | undefined,
  ): void {
    const telemetry = this.telemetry;
    const { instruments } = telemetry;
    instruments.operationDuration.record((performance.now() - this.#t0) / 1000, telemetry.metricAttributes(this.operation));
    const call = this.call;
    if (input !== undefined) {
      call.inputTokens += input;
      instruments.tokenUsage.record(input, telemetry.tokenAttributes(this.operation, 'input'));
    }
    if (output !== undefined) {
      call.outputTokens += output;
      instruments.tokenUsage.record(output, telemetry.tokenAttributes(this.operation, 'output'));
    }
    if (reasoning !== undefined) call.reasoningTokens += reasoning;
    const span = this.span;
    if (!span.isRecording()) return;
    if (responseModel !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, responseModel);
    if (responseId !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, responseId);
    if (input !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, input);
    if (output !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, output);
  }
}
