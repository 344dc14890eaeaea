// ModelFacade: what Data Designer columns call. Engine-agnostic — it only talks to a ModelClient —
// and a port of the source system's facade (reference §5): the generate loop with corrections,
// restarts and the MCP tool loop, parameter precedence, usage accounting and error wrapping.
import { applyPrecedence } from '../config/precedence.ts';
import { embeddingParams, sampleChatParams } from '../config/sample-params.ts';
import type { ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import { isCancellation } from '../core/cancellation.ts';
import { ConfigError, DataDesignerError, ModelGenerationValidationFailureError } from '../core/errors.ts';
import { silentLogger, type Logger } from '../core/logger.ts';
import { DEFAULT_TIMEOUT_MS, resolveRuntime, type EngineName, type ModelClient, type Runtime } from '../core/model-client.ts';
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  ResponseMessage,
  ToolCall,
  UserContentPart,
} from '../core/types.ts';
import { OPTIONAL_CHAT_FIELDS } from '../core/types.ts';
import type { ToolCatalog } from '../tools/tool-catalog.ts';
import { MCPConfigurationError } from '../tools/tool-errors.ts';
import type { ToolRegistry } from '../tools/tool-registry.ts';
import { classifyTruncation, failureKindOf, mergeTruncation, truncationSolution, type TruncationReason } from './generation-failure.ts';
import { ParserError, correctionText, type Parser } from './parsers/parser-error.ts';
import { textParser } from './parsers/text-parser.ts';
import { promptToMessages } from './prompt-messages.ts';
import { ModelUsageStats } from './usage.ts';
import type { FacadeCall } from '../observability/call-telemetry/facade-call.ts';
import type { FacadeTelemetry } from '../observability/call-telemetry/facade-telemetry.ts';
import { RegistryObservability } from '../observability/registry-observability.ts';

/**
 * Request fields a caller may set per call; they win over the sampled inference parameters. The
 * one list of them: the ChatOverrides type is derived from it, and `ChatRequestFieldsCovered`
 * fails the typecheck when the canonical ChatRequest gains a field this list does not name.
 */
const CHAT_OVERRIDE_KEYS = OPTIONAL_CHAT_FIELDS;

export type ChatOverrides = Partial<Pick<ChatRequest, (typeof CHAT_OVERRIDE_KEYS)[number]>>;

/** `true` only while every ChatRequest field but model and messages is a per-call override. */
type ChatRequestFieldsCovered = [Exclude<keyof ChatRequest, 'model' | 'messages' | keyof ChatOverrides>] extends [never] ? true : false;
const CHAT_REQUEST_FIELDS_COVERED: ChatRequestFieldsCovered = true;
void CHAT_REQUEST_FIELDS_COVERED;

const EMBEDDING_OVERRIDE_KEYS = [
  'encoding_format',
  'dimensions',
  'extra_body',
  'extra_headers',
  'timeout_ms',
] as const satisfies readonly (keyof EmbeddingRequest)[];

export type EmbeddingOverrides = Partial<Pick<EmbeddingRequest, (typeof EMBEDDING_OVERRIDE_KEYS)[number]>>;

export interface CallControl {
  /** What the caller is doing, for error messages ("running generation for column 'x'"). */
  purpose?: string;
  /** Record nothing in the usage statistics (health checks, probes). */
  skipUsageTracking?: boolean;
  signal?: AbortSignal;
}

export interface CompletionOptions extends ChatOverrides, CallControl {}

export interface GenerateOptions<T> extends ChatOverrides, CallControl {
  /** Turns the trimmed answer into the output; throws `ParserError` to ask for a correction. */
  parser?: Parser<T>;
  systemPrompt?: string;
  /** Content parts (images) placed before the prompt in the user message. */
  multiModalContext?: UserContentPart[];
  toolAlias?: string;
  /** Parser failures answered with a correction turn before a restart (default 0). */
  maxCorrectionSteps?: number;
  /** Fresh conversations from the last tool checkpoint after corrections run out (default 0). */
  maxConversationRestarts?: number;
}

export interface EmbedOptions extends EmbeddingOverrides, CallControl {}

export interface GenerateResult<T> {
  output: T;
  /** The whole conversation: [system], user, tool turns, failed answers and corrections, final answer. */
  trace: ChatMessage[];
}

export interface ModelFacadeInit {
  modelConfig: ModelConfig;
  provider: ResolvedProvider;
  /** Called on first use; the registry creates clients lazily and shares them per alias. */
  getClient: () => Promise<ModelClient>;
  /** The engine that serves this model, for reports. */
  engine?: EngineName;
  tools?: ToolRegistry;
  runtime?: Partial<Runtime>;
  logger?: Logger;
  /** Spans, metrics and the run-summary accumulator (the registry's); absent: the global providers and a summary of its own. */
  telemetry?: FacadeTelemetry;
}

const CONTROL_KEYS: ReadonlySet<string> = new Set([
  'parser',
  'systemPrompt',
  'multiModalContext',
  'toolAlias',
  'maxCorrectionSteps',
  'maxConversationRestarts',
  'purpose',
  'skipUsageTracking',
  'signal',
]);

const DEFAULT_PURPOSE = 'running generation';

/**
 * After the tool-call budget is spent the model is told to answer; a model that asks for tools
 * again after this many refused turns will not stop on its own (reference lesson 27), so the
 * generation fails instead of paying for refusals forever.
 */
export const MAX_REFUSED_TOOL_TURNS = 2;

export class ModelFacade {
  readonly modelConfig: ModelConfig;
  readonly provider: ResolvedProvider;
  readonly engine?: EngineName;
  readonly usage: ModelUsageStats;
  readonly #getClient: () => Promise<ModelClient>;
  readonly #tools?: ToolRegistry;
  readonly #runtime: Runtime;
  readonly #logger: Logger;
  readonly #telemetry: FacadeTelemetry;

  constructor(init: ModelFacadeInit) {
    this.modelConfig = init.modelConfig;
    this.provider = init.provider;
    this.engine = init.engine;
    this.#getClient = init.getClient;
    this.#tools = init.tools;
    this.#runtime = resolveRuntime(init.runtime);
    this.#logger = init.logger ?? silentLogger;
    this.usage = new ModelUsageStats(() => this.#runtime.now());
    this.#telemetry =
      init.telemetry ??
      new RegistryObservability().facadeTelemetry({
        alias: init.modelConfig.alias,
        engine: init.engine,
        providerType: init.provider.providerType,
        providerName: init.provider.name,
        model: init.modelConfig.model,
      });
  }

  get modelAlias(): string {
    return this.modelConfig.alias;
  }

  get modelName(): string {
    return this.modelConfig.model;
  }

  get providerName(): string {
    return this.provider.name;
  }

  get generationType(): ModelConfig['inferenceParameters']['generationType'] {
    return this.modelConfig.inferenceParameters.generationType;
  }

  get maxParallelRequests(): number {
    return this.modelConfig.inferenceParameters.maxParallelRequests;
  }

  /** The per-attempt deadline requests get unless a call overrides it. */
  get requestTimeoutMs(): number {
    const seconds = this.modelConfig.inferenceParameters.timeoutSeconds;
    return seconds === undefined ? DEFAULT_TIMEOUT_MS : seconds * 1000;
  }

  /**
   * One chat request with the model's parameters and the caller's overrides; `n` is forwarded.
   * Provider errors propagate as thrown by the engine (already our error classes).
   */
  async completion(messages: ChatMessage[], options: CompletionOptions = {}): Promise<ChatResponse> {
    this.#reportUnknownKeys(options, CHAT_OVERRIDE_KEYS);
    const call = this.#telemetry.begin('completion', !options.skipUsageTracking);
    try {
      const request = this.#chatRequest(messages, options, { stripN: false });
      const response = await this.#chat(request, options, call);
      call?.end();
      return response;
    } catch (error) {
      call?.end(error, options.signal);
      throw error;
    }
  }

  /**
   * Prompt → parsed output, following the source system's algorithm exactly (reference §5.4):
   * a parser failure is answered with its error text as a correction turn, corrections are
   * followed by restarts from the last tool checkpoint, and tool turns never use up attempts.
   */
  async generate<T = string>(prompt: string, options: GenerateOptions<T> = {}): Promise<GenerateResult<T>> {
    const purpose = options.purpose ?? DEFAULT_PURPOSE;
    this.#reportUnknownKeys(options, CHAT_OVERRIDE_KEYS);
    const call = this.#telemetry.begin('generate', !options.skipUsageTracking);
    try {
      const result = await this.#generate(prompt, options, purpose, call);
      call?.end();
      return result;
    } catch (error) {
      const wrapped = this.#wrapError(error, purpose, options.signal, options.purpose !== undefined);
      call?.end(wrapped, options.signal);
      throw wrapped;
    }
  }

  /** One embedding vector per text, in input order. */
  async embed(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    const purpose = options.purpose ?? DEFAULT_PURPOSE;
    this.#reportUnknownKeys(options, EMBEDDING_OVERRIDE_KEYS);
    const facadeCall = this.#telemetry.begin('embed', !options.skipUsageTracking);
    try {
      const params = this.modelConfig.inferenceParameters;
      const sampled = params.generationType === 'embedding' ? embeddingParams(params) : {};
      const call = pick(options, EMBEDDING_OVERRIDE_KEYS);
      const request: EmbeddingRequest = {
        ...applyPrecedence<EmbeddingOverrides>(sampled, call, this.provider),
        model: this.modelConfig.model,
        input: texts,
      };
      const response = await this.#embed(request, options, facadeCall);
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (vectors.length !== texts.length) {
        throw this.#error(`Expected ${texts.length} embeddings, but received ${vectors.length}.`, purpose);
      }
      facadeCall?.end();
      return vectors;
    } catch (error) {
      const wrapped = this.#wrapError(error, purpose, options.signal, options.purpose !== undefined);
      facadeCall?.end(wrapped, options.signal);
      throw wrapped;
    }
  }

  async #generate<T>(
    prompt: string,
    options: GenerateOptions<T>,
    purpose: string,
    call: FacadeCall | undefined,
  ): Promise<GenerateResult<T>> {
    const parser = (options.parser ?? textParser) as Parser<T>;
    const maxCorrections = nonNegativeInt(options.maxCorrectionSteps, 'maxCorrectionSteps');
    const maxRestarts = nonNegativeInt(options.maxConversationRestarts, 'maxConversationRestarts');
    const catalog = options.toolAlias === undefined ? undefined : await this.#toolCatalog(options.toolAlias);

    let parseAttempts = 0;
    let restarts = 0;
    let turns = 0;
    let totalToolCalls = 0;
    let refusedTurns = 0;
    let truncation: TruncationReason | null = null;
    // Messages are never mutated in place, only appended, so array copies are full snapshots.
    let checkpoint = promptToMessages(prompt, options.systemPrompt, options.multiModalContext);
    let checkpointTurns = 0;
    let messages = [...checkpoint];

    for (;;) {
      const request = this.#chatRequest(messages, options, { stripN: true });
      // Tools go out on every call, even after the budget is spent: the history holds tool turns,
      // and Bedrock rejects tool history without a tool config.
      if (catalog && catalog.definitions.length > 0) request.tools = catalog.definitions;
      const response = await this.#chat(request, options, call);
      const message = response.choices[0]?.message;
      const toolCalls = catalog ? (message?.tool_calls ?? []) : [];

      if (catalog && message && toolCalls.length > 0) {
        turns += 1;
        totalToolCalls += toolCalls.length;
        messages.push(assistantTurn(message));
        if (turns > catalog.maxToolCallTurns) {
          refusedTurns += 1;
          if (refusedTurns >= MAX_REFUSED_TOOL_TURNS) throw this.#toolBudgetError(catalog, refusedTurns, purpose);
          messages.push(...catalog.refuse(toolCalls));
        } else {
          messages.push(...(await catalog.execute(toolCalls, { signal: options.signal })));
        }
        checkpoint = [...messages];
        checkpointTurns = turns;
        continue;
      }

      const text = (message?.content ?? '').trim();
      messages.push(answerTurn(text, message));
      parseAttempts += 1;
      try {
        const output = parser(text);
        if (catalog && !options.skipUsageTracking) this.usage.recordToolGeneration(totalToolCalls, turns);
        return { output, trace: messages };
      } catch (error) {
        if (!(error instanceof ParserError)) throw error;
        truncation = mergeTruncation(truncation, classifyTruncation(response, request));
        if (maxCorrections === 0 && maxRestarts === 0) {
          throw this.#validationFailure(error, 'no retries attempted', truncation, purpose);
        }
        if (parseAttempts <= maxCorrections) {
          messages.push({ role: 'user', content: correctionText(error) });
        } else if (restarts < maxRestarts) {
          parseAttempts = 0;
          restarts += 1;
          messages = [...checkpoint];
          turns = checkpointTurns;
          truncation = null;
        } else {
          const attempts = `despite ${plural(maxCorrections, 'correction step')} and ${plural(maxRestarts, 'restart')}`;
          throw this.#validationFailure(error, attempts, truncation, purpose);
        }
      }
    }
  }

  async #toolCatalog(toolAlias: string): Promise<ToolCatalog> {
    if (!this.#tools) {
      throw new MCPConfigurationError(
        `Tool alias '${toolAlias}' was specified but no MCP tool registry is configured for model '${this.modelAlias}'`,
        { toolAlias, modelAlias: this.modelAlias },
      );
    }
    return this.#tools.catalog(toolAlias);
  }

  #chatRequest(messages: ChatMessage[], overrides: ChatOverrides, { stripN }: { stripN: boolean }): ChatRequest {
    const params = this.modelConfig.inferenceParameters;
    // A fresh sample on every request: distributions vary across correction turns too.
    const sampled = params.generationType === 'chat-completion' ? sampleChatParams(params, this.#runtime.random) : {};
    const call = pick(overrides, CHAT_OVERRIDE_KEYS);
    if (stripN) delete call.n;
    const merged = applyPrecedence<ChatOverrides>(sampled, call, this.provider);
    if (stripN) {
      // generate wants exactly one answer, whoever asked for more (call, config or provider).
      delete merged.n;
      if (merged.extra_body && 'n' in merged.extra_body) {
        const { n: _dropped, ...rest } = merged.extra_body;
        if (Object.keys(rest).length > 0) merged.extra_body = rest;
        else delete merged.extra_body;
      }
    }
    return { ...merged, model: this.modelConfig.model, messages: [...messages] };
  }

  // One model call: with instrumentation on, a span (a child of generate's) whose CallObserver the
  // engine reports each HTTP attempt to.
  async #chat(request: ChatRequest, control: CallControl, call: FacadeCall | undefined): Promise<ChatResponse> {
    const client = await this.#getClient();
    const observed = call?.modelCall('chat');
    observed?.input(request.messages, request.extra_headers);
    let response: ChatResponse;
    try {
      response = await client.chat(request, observed ? { signal: control.signal, observer: observed } : { signal: control.signal });
    } catch (error) {
      observed?.failed(error, control.signal);
      if (!control.skipUsageTracking && !isCancellation(error, control.signal)) this.usage.recordFailure();
      throw error;
    }
    observed?.chatSucceeded(response);
    if (!control.skipUsageTracking) this.usage.recordSuccess(response.usage);
    return response;
  }

  async #embed(request: EmbeddingRequest, control: CallControl, call: FacadeCall | undefined): Promise<EmbeddingResponse> {
    const client = await this.#getClient();
    const observed = call?.modelCall('embeddings');
    observed?.input(request.input, request.extra_headers);
    let response: EmbeddingResponse;
    try {
      response = await client.embed(request, observed ? { signal: control.signal, observer: observed } : { signal: control.signal });
    } catch (error) {
      observed?.failed(error, control.signal);
      if (!control.skipUsageTracking && !isCancellation(error, control.signal)) this.usage.recordFailure();
      throw error;
    }
    observed?.embedSucceeded(response);
    if (!control.skipUsageTracking) {
      const usage = response.usage;
      this.usage.recordSuccess(usage && { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.total_tokens });
    }
    return response;
  }

  #validationFailure(
    error: ParserError,
    attempts: string,
    truncation: TruncationReason | null,
    purpose: string,
  ): ModelGenerationValidationFailureError {
    const detail = correctionText(error);
    return new ModelGenerationValidationFailureError({
      causeText: `The output from {subject} could not be parsed into the requested format (${attempts})`,
      detail,
      failureKind: failureKindOf(detail),
      solution: truncationSolution(truncation),
      modelAlias: this.modelAlias,
      providerName: this.providerName,
      purpose,
      cause: error,
    });
  }

  #toolBudgetError(catalog: ToolCatalog, refused: number, purpose: string): ModelGenerationValidationFailureError {
    const budget = plural(catalog.maxToolCallTurns, 'tool-calling turn');
    return new ModelGenerationValidationFailureError({
      causeText: `The model {subject} exhausted its tool budget of ${budget} (tool alias '${catalog.toolAlias}') and kept requesting tools`,
      detail: `Tool budget exhausted: the model requested tools again after its ${budget} were used up and ${plural(refused - 1, 'turn')} of calls had been refused`,
      failureKind: 'tool_budget',
      solution: `Raise maxToolCallTurns of tool alias '${catalog.toolAlias}', or tell the model in the prompt to answer once it has what it needs.`,
      modelAlias: this.modelAlias,
      providerName: this.providerName,
      purpose,
    });
  }

  // Only known request fields are forwarded (reference §5.2); anything else is dropped, with a
  // hint, because provider-specific parameters belong in extra_body.
  #reportUnknownKeys(options: object, requestKeys: readonly string[]): void {
    for (const key of Object.keys(options)) {
      if (!CONTROL_KEYS.has(key) && !requestKeys.includes(key)) {
        this.#logger.debug(
          `dropping unknown option '${key}' for model '${this.modelAlias}'; pass provider-specific parameters in extra_body`,
        );
      }
    }
  }

  #error(message: string, purpose: string): DataDesignerError {
    return new DataDesignerError({
      causeText: `An unexpected error occurred while ${purpose}: ${message}`,
      modelAlias: this.modelAlias,
      providerName: this.providerName,
      purpose,
    });
  }

  // Our error classes pass through, a provider error retold with the caller's purpose when one
  // was given (the engines never know it); a cancelled call rethrows the caller's reason; anything
  // else is a bug somewhere below us and is reported as such, with the original attached as `cause`.
  #wrapError(error: unknown, purpose: string, signal: AbortSignal | undefined, purposeGiven: boolean): unknown {
    if (error instanceof DataDesignerError) return purposeGiven ? error.withPurpose(purpose) : error;
    if (isCancellation(error, signal)) return error;
    const text = error instanceof Error ? error.message : String(error);
    this.#logger.debug(`unexpected error from model '${this.modelAlias}': ${error instanceof Error ? error.stack : text}`);
    return new DataDesignerError({
      causeText: `An unexpected error occurred while ${purpose}.`,
      solution: `Review the stack trace of the cause for details: ${text}`,
      modelAlias: this.modelAlias,
      providerName: this.providerName,
      purpose,
      cause: error,
    });
  }
}

// The model's tool-calling turn goes back exactly as it came (content, reasoning, thinking blocks
// with their signatures): Anthropic and Bedrock reject a tool continuation whose thinking changed.
function assistantTurn(message: ResponseMessage): AssistantMessage {
  const turn: AssistantMessage = { role: 'assistant', content: message.content };
  if (message.reasoning_content) turn.reasoning_content = message.reasoning_content;
  if (message.thinking_blocks?.length) turn.thinking_blocks = message.thinking_blocks;
  turn.tool_calls = message.tool_calls as ToolCall[];
  return turn;
}

// A final (or failed) answer is recorded trimmed, as the parser saw it.
function answerTurn(text: string, message: ResponseMessage | undefined): AssistantMessage {
  const turn: AssistantMessage = { role: 'assistant', content: text };
  if (message?.reasoning_content) turn.reasoning_content = message.reasoning_content;
  if (message?.thinking_blocks?.length) turn.thinking_blocks = message.thinking_blocks;
  return turn;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

function nonNegativeInt(value: number | undefined, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
