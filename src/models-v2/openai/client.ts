// ModelClient over the official `openai` SDK, for OpenAI and every OpenAI-compatible server
// (vLLM, NIM, DeepSeek, …): `baseURL` is the provider endpoint as configured.
import { contractChatRequest } from '../canonical/canonical-request-contract.ts';
import type { OpenAI } from 'openai';
import type { ModelClient, CallOptions } from '../../core/model-client.ts';
import type { ClientFactoryArgs } from '../../config/client-factory.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../core/limits.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { chatDemand, embeddingDemand } from '../admission/admission-demand.ts';
import { headerLookup } from '../transport/header-lookup.ts';
import { acquireAdmission } from '../admission/admission-registry.ts';
import { attemptSignals } from '../retry/attempt-deadline.ts';
import { attemptTimeoutMs, checkedExtraHeaders, wireModelId } from '../client/call-settings.ts';
import { checkChatRequest, checkEmbeddingRequest } from '../canonical/canonical-request-checks.ts';
import { registerCallHeaderSecrets } from '../../core/secrets.ts';
import { toOpenAIChatBody } from './request.ts';
import { fromOpenAIChatCompletion } from './response.ts';
import { sendConcurrently } from '../embeddings/embedding-fan-out.ts';
import { checkVectorSizes, requestedSize } from '../embeddings/embedding-vectors.ts';
import {
  fromOpenAIEmbeddingResponse,
  joinEmbeddingBatches,
  openAIBatchLabel,
  openAIEmbeddingBatches,
  toOpenAIEmbeddingBody,
} from './embeddings.ts';
import { sdkClientKey } from '../client/sdk-client-key.ts';
import { type AttemptContext, SdkModelClientBase } from '../client/model-client-base.ts';
import { SharedResourcePool } from '../client/shared-resource-pool.ts';
import { wireTapFetch } from '../transport/wire-tap-fetch.ts';
import { jsonSuccessBody } from '../transport/json-success-body.ts';
import { embeddedFailureError } from './embedded-failure.ts';
import { createUndiciFetch, type UndiciFetch } from '../transport/fetch.ts';
import { attemptFetchOptions } from '../transport/attempt-signal.ts';
import { type StainlessErrorClasses, fromStainlessError } from '../client/sdk-errors.ts';
import { errorRulesFor } from '../retry/server-error-rules.ts';
import { DIALECTS } from '../../core/dialects/dialect-table.ts';
import { DEFAULT_DIALECT } from '../../core/dialects/server-dialect.ts';

interface OpenAISdk {
  client: OpenAI;
  classes: StainlessErrorClasses;
  errorBodies: WeakMap<object, string>;
  transport: UndiciFetch;
}

// The SDK refuses to start without a key. Keyless servers (local vLLM) get this placeholder,
// and the `Authorization` header it would produce is removed on every request.
const KEYLESS_PLACEHOLDER = 'no-key-configured';

const sdks = new SharedResourcePool<OpenAISdk>();

async function createSdk(args: ClientFactoryArgs): Promise<OpenAISdk> {
  const sdk = await import('openai');
  const key = args.provider.apiKey?.reveal();
  const errorBodies = new WeakMap<object, string>();
  const transport = await createUndiciFetch({
    maxResponseBytes: args.provider.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    errorBodies,
  });
  const client = new sdk.OpenAI({
    apiKey: key || KEYLESS_PLACEHOLDER,
    baseURL: args.provider.endpoint,
    // Explicit nulls keep OPENAI_ORG_ID / OPENAI_PROJECT_ID from adding headers behind our back.
    organization: null,
    project: null,
    maxRetries: 0,
    fetch: wireTapFetch(transport.fetch),
    ...(key ? {} : { defaultHeaders: { Authorization: null } }),
  });
  return { client, classes: sdk, errorBodies, transport };
}

export async function createOpenAIModelClient(args: ClientFactoryArgs): Promise<ModelClient> {
  const [sdk, admission] = await Promise.all([
    sdks.acquire(
      sdkClientKey(args.provider),
      () => createSdk(args),
      (shared) => shared.transport.close(),
    ),
    acquireAdmission(args),
  ]);
  return new OpenAIModelClient(args, sdk, admission);
}

type SdkRequestOptions = NonNullable<Parameters<OpenAI['post']>[1]> & { timeout: number; maxRetries: 0 };

class OpenAIModelClient extends SdkModelClientBase<OpenAISdk> implements ModelClient {
  readonly providerType = 'openai' as const;
  readonly #errorRules = errorRulesFor(this.provider.dialect);

  async chat(given: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    const sdk = this.sdk;
    // Null optional fields are unset from here on (engine-rules, "Canonical request contract").
    const request = { ...contractChatRequest(given, this.subject), model: wireModelId(given, this.model) };
    // Request-level checks first, then messages in order (engine-rules, "Canonical request contract", Check order).
    const timeoutMs = attemptTimeoutMs(options, request, this.model, this.subject);
    checkedExtraHeaders(request, this.subject);
    checkChatRequest(request, this.subject);
    const body = toOpenAIChatBody(request, request.extra_body ?? {}, DIALECTS[this.provider.dialect ?? DEFAULT_DIALECT].request);
    return this.run('chat', options, chatDemand(request), async (context) => {
      // `post`, not `chat.completions.create`: create() serialises the body through a replacer
      // called on every value (to spot a `stream` key v2 never sends) and wraps the response in
      // a second promise; the bytes sent are the same, as for embeddings below.
      const raw = await this.#send(sdk, request, timeoutMs, context, 'choices', (sdkOptions) =>
        sdk.client.post('/chat/completions', { body, ...sdkOptions }).withResponse(),
      );
      return fromOpenAIChatCompletion(raw, this.subject);
    });
  }

  async embed(given: EmbeddingRequest, options?: CallOptions): Promise<EmbeddingResponse> {
    const sdk = this.sdk;
    const request = { ...given, model: wireModelId(given, this.model) };
    checkEmbeddingRequest(request, this.subject);
    const timeoutMs = attemptTimeoutMs(options, request, this.model, this.subject);
    checkedExtraHeaders(request, this.subject);
    // Over 2,048 texts: one request per batch, each its own `run`, sent concurrently like
    // Bedrock Cohere's batches (engine-rules, Embeddings and Embedding fan-out).
    const batches = openAIEmbeddingBatches(request);
    const raws = await sendConcurrently<unknown>(options, {
      count: batches.length,
      label: (index) => openAIBatchLabel(index, request.input.length),
      send: (index, batchOptions) => {
        const batch = batches[index];
        const body = toOpenAIEmbeddingBody(batch, request.extra_body ?? {});
        // Not `embeddings.create`: it rewrites the body (adds `encoding_format: "base64"` when
        // none was asked for), so the wire would differ from the canonical request.
        return this.run('embedding', batchOptions, embeddingDemand(batch), (context) =>
          this.#send(sdk, request, timeoutMs, context, 'data', (sdkOptions) =>
            sdk.client.post('/embeddings', { body, ...sdkOptions }).withResponse(),
          ),
        );
      },
    });
    // Shapes are judged once every batch has answered, like the Bedrock fan-out's (engine-rules).
    const parts = raws.map((raw, index) => fromOpenAIEmbeddingResponse(raw, batches[index].input.length, this.subject));
    const joined = joinEmbeddingBatches(parts);
    const size = requestedSize(toOpenAIEmbeddingBody(batches[0], request.extra_body ?? {}), 'dimensions');
    checkVectorSizes(
      joined.data.map((item) => item.embedding),
      size,
      this.subject,
    );
    return joined;
  }

  async #send(
    sdk: OpenAISdk,
    request: ChatRequest | EmbeddingRequest,
    timeoutMs: number,
    { runtime, signal: callSignal, observe }: AttemptContext,
    answers: 'choices' | 'data',
    send: (sdkOptions: SdkRequestOptions) => Promise<{ data: unknown; response: Response }>,
  ): Promise<unknown> {
    // Credential-named headers of this attempt are secrets while it runs and its error is built.
    const releaseSecrets = registerCallHeaderSecrets(request.extra_headers);
    const { signal, deadline, dispose, cancel } = attemptSignals(timeoutMs, callSignal);
    try {
      const { data, response } = await send({
        timeout: timeoutMs,
        maxRetries: 0,
        headers: request.extra_headers ?? {},
        fetchOptions: attemptFetchOptions(signal),
      });
      const header = headerLookup(response.headers);
      observe(header);
      const body = jsonSuccessBody(data, response.headers);
      // A 2xx reporting a failure is that failure (engine-rules "A 2xx body decides"); thrown as is.
      const failure = embeddedFailureError(body, answers, header, this.subject, runtime.now());
      if (failure) throw failure;
      return body;
    } catch (error) {
      observe(headerLookup((error as { headers?: Headers } | null)?.headers));
      // The SDK may have given up while our transport still reads (attempt-deadline.ts).
      cancel();
      throw fromStainlessError(error, {
        classes: sdk.classes,
        subject: this.subject,
        nowMs: runtime.now(),
        timeoutMs,
        callerSignal: callSignal,
        deadline,
        bodies: sdk.errorBodies,
        errorRules: this.#errorRules,
      });
    } finally {
      dispose();
      releaseSecrets();
    }
  }
}
