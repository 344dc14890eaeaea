// Public API. This file and src/engine.ts are the only places that know two engines exist.
// First, before anything that could fail on an old Node.js: the one-line version check.
import './core/supported-node.ts';
import { parseConfig } from './config/load-config.ts';
import type { DataDesignerConfig, DataDesignerConfigInput } from './config/schemas.ts';
import { createStderrLogger, redactingLogger, type Logger } from './core/logger.ts';
import type { Runtime } from './core/model-client.ts';
import { describeRouting, loadClientFactory, resolveEngine, type EngineOption } from './engine.ts';
import { ModelRegistry } from './facade/model-registry.ts';
import { resolveShadowOptions, type ShadowOptions } from './shadow/shadow-config.ts';
import type { ObservabilityOptions } from './observability/observability-options.ts';

export interface CreateModelRegistryOptions {
  /** Wins over DATA_DESIGNER_ASYNC_ENGINE. */
  engine?: EngineOption;
  env?: Record<string, string | undefined>;
  runtime?: Partial<Runtime>;
  logger?: Logger;
  /** Shadow mode (docs/shadow-mode.md); wins over DATA_DESIGNER_SHADOW_SAMPLE_RATE / _DIR / _QUEUE_SIZE / _MAX_CPU / _THREAD. */
  shadow?: ShadowOptions;
  /** OpenTelemetry spans/metrics (no-op unless the host registers an SDK) and content opt-in. */
  observability?: ObservabilityOptions;
}

export function createModelRegistry(
  config: DataDesignerConfig | DataDesignerConfigInput,
  options: CreateModelRegistryOptions = {},
): ModelRegistry {
  const env = options.env ?? process.env;
  const parsed = parseConfig(config);
  const engines = resolveEngine(env, options.engine);
  // A caller's logger gets scrubbed text like the default one (SPEC: no secret in any log).
  const logger = options.logger ? redactingLogger(options.logger) : createStderrLogger();
  logger.info(`model engine routing: ${describeRouting(engines)}`);
  const shadow = resolveShadowOptions(env, options.shadow);
  if (shadow)
    logger.info(
      `shadow mode: sample rate ${shadow.sampleRate}, queue ${shadow.queueSize}, max CPU share ${shadow.maxCpuShare}, on the ${shadow.thread} thread, fixtures ${shadow.fixturesDir ?? '(not written)'}`,
    );
  return new ModelRegistry(parsed, {
    engines,
    loadFactory: loadClientFactory,
    env,
    runtime: options.runtime,
    logger,
    shadow,
    observability: options.observability,
  });
}

export { ModelRegistry } from './facade/model-registry.ts';
export { ModelFacade, MAX_REFUSED_TOOL_TURNS } from './facade/model-facade.ts';
export type {
  GenerateOptions,
  GenerateResult,
  CompletionOptions,
  EmbedOptions,
  ChatOverrides,
  EmbeddingOverrides,
  CallControl,
  ModelFacadeInit,
} from './facade/model-facade.ts';
export {
  ParserError,
  correctionText,
  textParser,
  nonEmptyTextParser,
  jsonParser,
  extractJson,
  codeBlockParser,
  findFencedBlocks,
} from './facade/parsers/index.ts';
export type { Parser, JsonParserOptions, FencedBlock } from './facade/parsers/index.ts';
export { ModelUsageStats, formatUsageSummary, summarise, addSnapshots } from './facade/usage.ts';
export type { UsageSnapshot, UsageSummary, TokenUsage, RequestUsage, ToolUsage } from './facade/usage.ts';
export { checkModelHealth, HEALTH_CHECK_PURPOSE } from './facade/health-check.ts';
export { ToolRegistry } from './tools/tool-registry.ts';
export { ToolCatalog, TOOL_REFUSAL_MESSAGE } from './tools/tool-catalog.ts';
export { MCPConfigurationError, MCPToolError, DuplicateToolNameError } from './tools/tool-errors.ts';
export { resolveEngine, describeRouting, ENGINE_ENV_VAR } from './engine.ts';
export type { EngineOption, EngineRouting } from './engine.ts';
export {
  SHADOW_SAMPLE_RATE_ENV,
  SHADOW_DIR_ENV,
  SHADOW_QUEUE_SIZE_ENV,
  SHADOW_MAX_CPU_ENV,
  SHADOW_THREAD_ENV,
} from './shadow/shadow-config.ts';
export type { ShadowOptions } from './shadow/shadow-config.ts';
export type { ShadowCounterEntry } from './shadow/shadow-counters.ts';
export * from './core/errors.ts';
export type * from './core/types.ts';
export type { ModelClient, CallOptions, Runtime, EngineName } from './core/model-client.ts';
export { loadConfigFile, parseConfig, parseConfigText } from './config/load-config.ts';
export type * from './config/schemas.ts';
export { redactSecrets } from './core/secrets.ts';
export type { ObservabilityOptions } from './observability/observability-options.ts';
export type { RunSummary, RunSummaryEntry } from './observability/run-summary.ts';
export { RUN_SUMMARY_SCHEMA } from './observability/run-summary.ts';
export { writeRunSummary } from './observability/write-run-summary.ts';
export type { CallObserver, AttemptObserver, AttemptStart } from './core/model-client.ts';
export type { Logger } from './core/logger.ts';
export type {
  AdmissionSnapshot,
  AdmissionPolicyName,
  BucketSnapshot,
  LimitChange,
  ThrottleDomain,
  AdmissionDomain,
} from './core/admission-snapshot.ts';
