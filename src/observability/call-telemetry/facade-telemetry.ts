// What one facade owns for observability: its tracer, its registry's metric instruments, its
// run-summary accumulator and the attributes that name it. Each facade call starts a FacadeCall.
import type { Attributes, Tracer } from '@opentelemetry/api';
import {
  ATTR_DD_ENGINE,
  ATTR_DD_MODEL_ALIAS,
  ATTR_DD_PROVIDER_NAME,
  ATTR_DD_PROVIDER_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  OPERATION_CHAT,
  OPERATION_EMBEDDINGS,
} from '../attribute-names.ts';
import { FacadeCall } from './facade-call.ts';
import { instrumentationEnabled } from '../instrumentation-switch.ts';
import { neverThrow } from '../never-throw.ts';
import type { ModelInstruments } from '../model-instruments.ts';
import { GEN_AI_PROVIDER_NAMES } from '../provider-names.ts';
import type { RunSummaryAccumulator } from '../run-summary.ts';
import type { FacadeIdentity, ModelOperation, TelemetryScope } from './telemetry-scope.ts';

export type { FacadeIdentity, ModelOperation } from './telemetry-scope.ts';

export interface FacadeTelemetryInit {
  identity: FacadeIdentity;
  tracer: Tracer;
  instruments: ModelInstruments;
  accumulator: RunSummaryAccumulator;
  captureContent: boolean;
}

export class FacadeTelemetry implements TelemetryScope {
  readonly tracer: Tracer;
  readonly instruments: ModelInstruments;
  readonly accumulator: RunSummaryAccumulator;
  readonly captureContent: boolean;
  readonly identity: FacadeIdentity;
  /** Span attributes every span of this facade carries. */
  readonly spanAttributes: Attributes;
  /** Metric attributes per operation, built once and reused by every measurement. */
  readonly #metricAttributes: Record<ModelOperation, Attributes>;
  readonly #tokenAttributes: Record<ModelOperation, Record<'input' | 'output', Attributes>>;

  constructor(init: FacadeTelemetryInit) {
    const { identity } = init;
    this.identity = identity;
    this.tracer = init.tracer;
    this.instruments = init.instruments;
    this.accumulator = init.accumulator;
    this.captureContent = init.captureContent;
    const tags: Attributes = {
      [ATTR_DD_ENGINE]: identity.engine ?? 'unknown',
      [ATTR_DD_PROVIDER_TYPE]: identity.providerType,
      [ATTR_DD_MODEL_ALIAS]: identity.alias,
      [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER_NAMES[identity.providerType],
      [ATTR_GEN_AI_REQUEST_MODEL]: identity.model,
    };
    this.spanAttributes = Object.freeze({ ...tags, [ATTR_DD_PROVIDER_NAME]: identity.providerName });
    this.#metricAttributes = {
      chat: Object.freeze({ ...tags, [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_CHAT }),
      embeddings: Object.freeze({ ...tags, [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_EMBEDDINGS }),
    };
    const byType = (operation: ModelOperation): Record<'input' | 'output', Attributes> => ({
      input: Object.freeze({ ...this.#metricAttributes[operation], [ATTR_GEN_AI_TOKEN_TYPE]: 'input' }),
      output: Object.freeze({ ...this.#metricAttributes[operation], [ATTR_GEN_AI_TOKEN_TYPE]: 'output' }),
    });
    this.#tokenAttributes = { chat: byType(OPERATION_CHAT), embeddings: byType(OPERATION_EMBEDDINGS) };
  }

  /** gen_ai.client.token.usage's attributes: the operation's plus gen_ai.token.type. */
  tokenAttributes(operation: ModelOperation, type: 'input' | 'output'): Attributes {
    return this.#tokenAttributes[operation][type];
  }

  metricAttributes(operation: ModelOperation): Attributes {
    return this.#metricAttributes[operation];
  }

  /**
   * A facade call (completion, embed or generate) begins. `record: false` (skipUsageTracking)
   * keeps it out of the run summary; spans and metrics are still made. Undefined while the
   * bench's switch has instrumentation off.
   */
  begin(kind: 'completion' | 'embed' | 'generate', record: boolean): FacadeCall | undefined {
    if (!instrumentationEnabled()) return undefined;
    return neverThrow(() => new FacadeCall(this, kind, record), undefined);
  }
}
