// The legacy engine's router (the TypeScript analogue of LiteLLM's Router plus Data Designer's
// CustomRouter): one deployment per model config, each with its own concurrency cap and socket
// pool, and one retry loop with the router's own backoff and Retry-After handling.
import type { ModelConfig, ResolvedProvider } from '../../config/schemas.ts';
import {
  ConfigError,
  type DataDesignerError,
  ModelAPIConnectionError,
  ModelAPIError,
  ModelAuthenticationError,
  ModelBadRequestError,
  ModelInternalServerError,
  ModelTimeoutError,
  ModelUnsupportedCapabilityError,
  type ModelErrorInit,
} from '../../core/errors.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../core/limits.ts';
import { resolveRuntime, type AttemptObserver, type CallObserver, type CallOptions, type Runtime } from '../../core/model-client.ts';
import { redactSecrets, registerCallHeaderSecrets } from '../../core/secrets.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, ProviderType } from '../../core/types.ts';
import { createAnthropicAdapter } from '../anthropic/adapter.ts';
import { backoffDelayMs } from '../retry/backoff.ts';
import { createBedrockAdapter } from '../bedrock/adapter.ts';
import { fanOut } from '../embeddings/embedding-fan-out.ts';
import { classifyHttpError } from '../retry/failure-classification.ts';
import type { EmbeddedFailure } from '../openai/embedded-failure.ts';
import { serverErrorRules } from '../retry/server-error-rules.ts';
import type { ErrorRule } from '../../core/dialects/server-dialect.ts';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { isRecord, type JsonRecord } from '../canonical/json-value.ts';
import { createOpenAIAdapter } from '../openai/adapter.ts';
import { parseRetryHintMs } from '../retry/retry-hints.ts';
import type { AdapterFactory, CallInput, ProviderAdapter, WireCall, WireResult } from './provider-adapter.ts';
import { RequestInputError, badRequest } from '../canonical/request-input-error.ts';
import { resolveTimeoutMs } from '../transport/timeout.ts';
import { ResponseTooLargeError } from '../transport/response-too-large-error.ts';
import { checkExtraHeaders } from '../transport/extra-headers.ts';
import { ResponseShapeError } from '../transport/response-shape-error.ts';
import { parseShouldRetry, retryBudget } from '../retry/retry-policy.ts';
import { BedrockSigningSetupError } from '../bedrock/request-signing.ts';
import { CallRegistry, RouterClosedReason } from './in-flight-calls.ts';
import { validateChatRequest } from '../canonical/canonical-request-checks.ts';
import { canonicalChatRequest } from '../canonical/canonical-request-contract.ts';

const ADAPTERS: Record<ProviderType, AdapterFactory> = {
  openai: createOpenAIAdapter,
  anthropic: createAnthropicAdapter,
  bedrock: createBedrockAdapter,
};

export interface DeploymentConfig {
  provider: ResolvedProvider;
  model: ModelConfig;
}

export interface CustomRouterOptions {
  deployments: DeploymentConfig[];
  runtime?: Partial<Runtime>;
}

interface Deployment {
  provider: ResolvedProvider;
  model: ModelConfig;
  adapter: ProviderAdapter;
  limiter: ConcurrencyLimiter;
  transport: HttpTransport;
  /** The error rows of the provider's dialect (retry/server-error-rules.ts). */
  errorRules: readonly ErrorRule[];
}

interface CallContext {
  deployment: Deployment;
  runtime: Runtime;
  signal?: AbortSignal;
  timeoutMs: number;
  extraHeaders: Record<string, string>;
  observer?: CallObserver;
}

type AttemptOutcome =
  | { ok: true; result: WireResult; status: number }
  | { ok: false; error: DataDesignerError; shouldRetry?: boolean; hintMs?: number };

/** Our own per-attempt deadline, told apart from the caller's abort by identity. */
class AttemptDeadline extends Error {
  constructor(ms: number) {
    super(`no response within ${ms} ms`);
    this.name = 'AttemptDeadline';
  }
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/**
 * A converter's sentence as part of a cause: without its final stop, so the error tells the
 * caller's purpose (`… while <purpose>.`), which a cause ending in `.`, `!` or `?` skips
 * (docs/facade-rules.md, "Purpose in provider errors"; issue 25 item 10).
 */
function withoutFinalStop(sentence: string): string {
  return sentence.replace(/[.!?]+$/, '');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

export class CustomRouter {
  readonly #deployments = new Map<string, Deployment>();
  readonly #runtime?: Partial<Runtime>;
  readonly #calls = new CallRegistry();
  #closed = false;

  constructor(options: CustomRouterOptions) {
    this.#runtime = options.runtime;
    for (const { provider, model } of options.deployments) {
      if (this.#deployments.has(model.alias)) {
        throw new ConfigError(`Duplicate deployment for model alias '${model.alias}'`, { modelAlias: model.alias });
      }
      const concurrency = model.inferenceParameters.maxParallelRequests;
      this.#deployments.set(model.alias, {
        provider,
        model,
        adapter: ADAPTERS[provider.providerType](provider),
        errorRules: serverErrorRules(provider.dialect),
        limiter: new ConcurrencyLimiter(concurrency),
        transport: new HttpTransport({
          connections: concurrency,
          maxResponseBytes: provider.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        }),
      });
    }
  }

  get aliases(): string[] {
    return [...this.#deployments.keys()];
  }

  /** Requests currently holding a slot / waiting for one, per alias (for tests and diagnostics). */
  load(alias: string): { active: number; waiting: number } {
    const { limiter } = this.#deployment(alias);
    return { active: limiter.active, waiting: limiter.waiting };
  }

  async chat(alias: string, request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const deployment = this.#deployment(alias);
    return this.#tracked(deployment, options, request.extra_headers, async (signal) => {
      // Null optional fields are unset from here on (engine-rules, "Canonical request contract").
      const canonical = this.#guardInput(deployment, () => canonicalChatRequest(request));
      const context = this.#context(deployment, canonical, options, signal);
      const plan = this.#guardInput(deployment, () => {
        validateChatRequest(canonical, deployment.adapter.providerType);
        return deployment.adapter.planChat(this.#input(deployment, canonical));
      });
      const result = await this.#exchange(context, plan.call);
      return this.#guardShape(deployment, () => plan.parse(result));
    });
  }

  async embed(alias: string, request: EmbeddingRequest, options: CallOptions = {}): Promise<EmbeddingResponse> {
    const deployment = this.#deployment(alias);
    return this.#tracked(deployment, options, request.extra_headers, async (signal) => {
      const context = this.#context(deployment, request, options, signal);
      const plan = this.#guardInput(deployment, () => {
        if (!Array.isArray(request.input)) {
          throw badRequest('The embedding input is not an array of texts', 'Pass `input` as an array of strings.');
        }
        // The capability check comes first: an empty batch to Anthropic is still the wrong provider.
        const built = deployment.adapter.planEmbedding(this.#input(deployment, request));
        if (request.input.length === 0) {
          throw badRequest('The embedding request has no input texts', 'Pass at least one text in `input`.');
        }
        if (request.input.some((text) => typeof text !== 'string')) {
          throw badRequest('Every embedding input must be a string', 'Pass `input` as an array of strings.');
        }
        return built;
      });
      // Titan's per-text requests and Cohere's batches go out side by side, each with its own
      // retries and its own turn in the limiter; the first failure stops the rest (engine-rules).
      const results = await fanOut(
        plan.calls.length,
        signal,
        (index, subSignal) => this.#exchange({ ...context, signal: subSignal }, plan.calls[index]),
        (index) => plan.label(index),
      );
      return this.#guardShape(deployment, () => plan.parse(results));
    });
  }

  /** Stops every call (queued, in flight or sleeping before a retry), then releases the sockets. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#calls.closeAll();
    await Promise.allSettled([...this.#deployments.values()].map((d) => d.transport.close()));
  }

  #deployment(alias: string): Deployment {
    const deployment = this.#deployments.get(alias);
    if (!deployment) {
      throw new ConfigError(`No deployment for model alias '${alias}'`, {
        solution: `Use one of: ${this.aliases.map((a) => `'${a}'`).join(', ') || '(none)'}.`,
      });
    }
    if (this.#closed) throw this.#closedError(deployment, 'is closed');
    return deployment;
  }

  /**
   * Runs one call under a signal that close() aborts too; close() ends it with a ConfigError. The
   * call's credential-named headers are secrets while it runs (docs/engine-rules.md, Secrets).
   */
  async #tracked<T>(
    deployment: Deployment,
    options: CallOptions,
    headers: Record<string, string> | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const call = this.#calls.begin(options.signal);
    const releaseSecrets = registerCallHeaderSecrets(headers);
    try {
      return await run(call.signal);
    } catch (error) {
      if (error instanceof RouterClosedReason) throw this.#closedError(deployment, 'was closed while the call was in progress');
      throw error;
    } finally {
      call.finish();
      releaseSecrets();
    }
  }

  // One class for every call a closed client stops, before or during the call (engine-rules).
  #closedError(deployment: Deployment, state: string): ConfigError {
    const { provider, model } = deployment;
    return new ConfigError(`The model client for alias '${model.alias}' (provider '${provider.name}') ${state}`, {
      ...this.#errorInit(deployment),
      solution: 'Close the registry only after its calls have settled; create a new registry to make more calls.',
    });
  }

  #errorInit(deployment: Deployment): Pick<ModelErrorInit, 'providerName' | 'modelAlias'> {
    return { providerName: deployment.provider.name, modelAlias: deployment.model.alias };
  }

  #context(deployment: Deployment, request: ChatRequest | EmbeddingRequest, options: CallOptions, signal: AbortSignal): CallContext {
    const timeoutMs = this.#guardInput(deployment, () =>
      resolveTimeoutMs(options.timeoutMs, request.timeout_ms, deployment.model.inferenceParameters.timeoutSeconds),
    );
    this.#guardInput(deployment, () => checkExtraHeaders(request.extra_headers));
    return {
      deployment,
      runtime: resolveRuntime(this.#runtime, options.runtime),
      signal,
      timeoutMs,
      // The request arrives final: the facade has already applied provider precedence (docs/contract.md "Config"),
      // and applying it again here would undo what the facade removed (e.g. `n` for generate).
      extraHeaders: lowerCaseKeys(request.extra_headers),
      observer: options.observer,
    };
  }

  #input<R extends ChatRequest | EmbeddingRequest>(deployment: Deployment, request: R): CallInput<R> {
    const model = typeof request.model === 'string' && request.model !== '' ? request.model : deployment.model.model;
    const extraBody: JsonRecord = isRecord(request.extra_body) ? { ...request.extra_body } : {};
    return { request, model, extraBody };
  }

  /** Turns a converter's RequestInputError into the public class, before any request is sent. */
  #guardInput<T>(deployment: Deployment, build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (!(error instanceof RequestInputError)) throw error;
      const init: ModelErrorInit = {
        ...this.#errorInit(deployment),
        causeText: `Invalid request for {subject}: ${withoutFinalStop(error.message)}`,
        solution: error.solution,
        cause: error,
      };
      throw error.kind === 'unsupported_capability'
        ? new ModelUnsupportedCapabilityError({ ...init, causeText: `${withoutFinalStop(error.message)} ({subject})` })
        : new ModelBadRequestError(init);
    }
  }

  #guardShape<T>(deployment: Deployment, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ResponseShapeError)) throw error;
      throw new ModelAPIError({
        ...this.#errorInit(deployment),
        causeText: `{subject} returned ${error.description}`,
        cause: error,
      });
    }
  }

  /** One logical exchange: attempts, classification and backoff per docs/contract.md "Retries, timeouts, admission" (legacy). */
  async #exchange(context: CallContext, call: WireCall): Promise<WireResult> {
    const { deployment, runtime, signal, observer } = context;
    let retries = 0;
    for (;;) {
      throwIfAborted(signal);
      // The observer (observability) hears each attempt's slot wait, start and end; absent, nothing is allocated.
      const waitStartedAt = observer ? runtime.now() : 0;
      let observed: AttemptObserver | undefined;
      let outcome: AttemptOutcome;
      try {
        outcome = await deployment.limiter.run(() => {
          if (observer) observed = observer.attemptStarted({ attempt: retries + 1, admissionWaitMs: runtime.now() - waitStartedAt });
          return this.#attempt(context, call);
        }, signal);
      } catch (error) {
        observed?.attemptEnded(error);
        throw error;
      }
      observed?.attemptEnded(outcome.ok ? undefined : outcome.error);
      if (outcome.ok) return outcome.result;
      // After close() the pools are gone: retrying could only fail again, after a real wait.
      if (this.#closed || retries >= retryBudget(outcome.error, outcome.shouldRetry)) throw outcome.error;
      const delayMs = backoffDelayMs(retries, runtime.random, outcome.hintMs);
      observer?.retryScheduled?.(delayMs);
      await runtime.sleep(delayMs, signal);
      retries += 1;
    }
  }

  async #attempt(context: CallContext, call: WireCall): Promise<AttemptOutcome> {
    const { deployment, runtime, signal, timeoutMs } = context;
    const { adapter } = deployment;
    const url = adapter.url(call.path);
    const body = JSON.stringify(call.body);
    let headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...adapter.headers(),
      ...context.extraHeaders,
    };
    if (adapter.sign) headers = { ...headers, ...(await this.#sign(deployment, { url, method: 'POST', headers, body })) };

    // One controller per attempt: the deadline aborts it, and so does the call's signal (forwarded
    // by a listener; AbortSignal.any would cost a weak-ref registry entry per attempt).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new AttemptDeadline(timeoutMs)), timeoutMs);
    const forward = (): void => deadline.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    let response;
    try {
      response = await deployment.transport.send({ url, method: 'POST', headers, body, signal: deadline.signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof ResponseTooLargeError) return { ok: false, error: this.#tooLargeError(deployment, error) };
      if (deadline.signal.aborted) {
        return { ok: false, error: new ModelTimeoutError({ ...this.#errorInit(deployment), cause: error }) };
      }
      return { ok: false, error: this.#connectionError(deployment, error) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }

    const { status, headers: responseHeaders, bodyText } = response;
    if (status >= 200 && status < 300) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bodyText);
      } catch (error) {
        // No `status` on purpose: the HTTP exchange succeeded; the body is what is wrong.
        throw new ModelAPIError({
          ...this.#errorInit(deployment),
          causeText: `{subject} answered HTTP ${status} with a body that is not JSON`,
          // Scrubbed before it is cut: a cut through a secret would leave a prefix no scrub matches.
          providerMessage: redactSecrets(bodyText).slice(0, 500),
          cause: error,
        });
      }
      const failure = call.failureIn?.(parsed);
      if (failure) return this.#embeddedFailure(deployment, failure, responseHeaders, parsed, runtime.now());
      return { ok: true, result: { body: parsed, headers: responseHeaders }, status };
    }

    const classification = classifyHttpError(status, responseHeaders, bodyText, deployment.errorRules);
    const hintMs = parseRetryHintMs(responseHeaders, runtime.now());
    const shouldRetry = parseShouldRetry(responseHeaders['x-should-retry']);
    const init: ModelErrorInit = {
      ...this.#errorInit(deployment),
      status,
      providerMessage: classification.providerMessage,
      retryAfterMs: hintMs === undefined ? undefined : Math.max(0, hintMs),
      retryable: shouldRetry,
    };
    const error = classification.multimodal ? ModelBadRequestError.multimodal(init) : new classification.errorClass(init);
    return { ok: false, error, shouldRetry, hintMs };
  }

  /**
   * A 2xx whose body reports a failure (engine-rules "A 2xx body decides"): an embedded `error.code`
   * classifies it as that status would; a choice interrupted by the server without one is a server
   * error. Retry hints and `x-should-retry` are read from the 2xx's headers as from any answer.
   */
  #embeddedFailure(
    deployment: Deployment,
    failure: EmbeddedFailure,
    headers: Record<string, string>,
    body: unknown,
    nowMs: number,
  ): AttemptOutcome {
    const hintMs = parseRetryHintMs(headers, nowMs);
    const shouldRetry = parseShouldRetry(headers['x-should-retry']);
    const classification = failure.status === undefined ? undefined : classifyHttpError(failure.status, headers, JSON.stringify(body));
    const init: ModelErrorInit = {
      ...this.#errorInit(deployment),
      status: failure.status,
      providerMessage: classification?.providerMessage ?? failure.message,
      retryAfterMs: hintMs === undefined ? undefined : Math.max(0, hintMs),
      retryable: shouldRetry,
    };
    let error: DataDesignerError;
    if (classification) {
      error = classification.multimodal ? ModelBadRequestError.multimodal(init) : new classification.errorClass(init);
    } else if (failure.interruptedBy) {
      error = new ModelInternalServerError({
        ...init,
        causeText: `{subject} answered HTTP 2xx with a generation the server interrupted (finish_reason "${failure.interruptedBy}")`,
        solution: 'The server ran out of capacity mid-answer and the call was retried; retry later or lower maxParallelRequests.',
      });
    } else {
      error = new ModelAPIError({ ...init, causeText: '{subject} answered HTTP 2xx with an error in its body and no status code' });
    }
    return { ok: false, error, shouldRetry, hintMs };
  }

  async #sign(deployment: Deployment, request: Parameters<NonNullable<ProviderAdapter['sign']>>[0]): Promise<Record<string, string>> {
    try {
      return await deployment.adapter.sign!(request);
    } catch (error) {
      if (error instanceof BedrockSigningSetupError) {
        throw new ConfigError(`${error.message} (provider '${deployment.provider.name}')`, {
          ...this.#errorInit(deployment),
          solution: "Set the provider's `region`, use a regional bedrock-runtime endpoint, or set AWS_REGION.",
          cause: error,
        });
      }
      throw new ModelAuthenticationError({
        ...this.#errorInit(deployment),
        causeText: `No usable AWS credentials were found to sign requests to {subject} (${(error as Error).message ?? 'unknown error'})`,
        solution:
          'Configure AWS credentials (environment, shared config/SSO profile, or instance role), or set a Bedrock API key as the provider apiKey.',
        cause: error,
      });
    }
  }

  /** No `status`, like any other unusable 2xx body; not retried (the same request, the same body). */
  #tooLargeError(deployment: Deployment, error: ResponseTooLargeError): ModelAPIError {
    return new ModelAPIError({
      ...this.#errorInit(deployment),
      causeText: `{subject} sent a response body larger than ${error.limitBytes} bytes (maxResponseBytes), not read further`,
      solution: `Raise maxResponseBytes of provider '${deployment.provider.name}' if responses this large are expected, or ask for less per call.`,
      retryable: false,
      cause: error,
    });
  }

  #connectionError(deployment: Deployment, error: unknown): ModelAPIConnectionError {
    const detail = (error as { code?: unknown })?.code ?? (error as Error)?.message;
    return new ModelAPIConnectionError({
      ...this.#errorInit(deployment),
      causeText: `The connection to {subject} failed before a response arrived${detail ? ` (${String(detail)})` : ''}`,
      cause: error,
    });
  }
}
