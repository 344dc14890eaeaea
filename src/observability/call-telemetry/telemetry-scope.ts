// What each level of a facade's telemetry sees of the level above it: the facade (TelemetryScope),
// one facade call (CallScope) and one model call (ModelCallScope). The classes that create the next
// level (FacadeTelemetry -> FacadeCall -> ModelCallTelemetry -> AttemptTelemetry) import downward
// only; the back-references go through these interfaces, so the four files form no import circle.
import type { Attributes, Context, Tracer } from '@opentelemetry/api';
import type { EngineName } from '../../core/model-client.ts';
import type { ProviderType } from '../../core/types.ts';
import type { OPERATION_CHAT, OPERATION_EMBEDDINGS } from '../attribute-names.ts';
import type { ModelInstruments } from '../model-instruments.ts';
import type { RunSummaryAccumulator } from '../run-summary.ts';

export type ModelOperation = typeof OPERATION_CHAT | typeof OPERATION_EMBEDDINGS;

export interface FacadeIdentity {
  alias: string;
  engine: EngineName | undefined;
  providerType: ProviderType;
  providerName: string;
  model: string;
}

/** The facade's side: implemented by FacadeTelemetry. */
export interface TelemetryScope {
  readonly tracer: Tracer;
  readonly instruments: ModelInstruments;
  readonly accumulator: RunSummaryAccumulator;
  readonly captureContent: boolean;
  readonly identity: FacadeIdentity;
  readonly spanAttributes: Attributes;
  tokenAttributes(operation: ModelOperation, type: 'input' | 'output'): Attributes;
  metricAttributes(operation: ModelOperation): Attributes;
}

/** One facade call's counters: implemented by FacadeCall. */
export interface CallScope {
  readonly telemetry: TelemetryScope;
  attempts: number;
  retries: number;
  rateLimited: number;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** One model call, as its attempts see it: implemented by ModelCallTelemetry. */
export interface ModelCallScope {
  readonly call: CallScope;
  readonly operation: ModelOperation;
  readonly telemetry: TelemetryScope;
  readonly context: Context;
}
