// ModelClient over `@aws-sdk/client-bedrock-runtime`: Converse for chat, InvokeModel for
// embeddings. The client runs on an HTTP/1.1 request handler on undici (transport/undici-http-handler.ts):
// the SDK's default HTTP/2 handler cannot be intercepted by recorders
// (docs/contract.md "Provider translation") and buys nothing for request/response calls.
import { contractChatRequest } from '../canonical/canonical-request-contract.ts';
import { wireTapHandler } from '../transport/wire-tap-handler.ts';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { CallOptions, ModelClient } from '../../core/model-client.ts';
import type { ClientFactoryArgs } from '../../config/client-factory.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { fromBedrockConverseOutput } from './response.ts';
import { toBedrockConverseInput } from './request.ts';
import {
  bedrockEmbeddingFamily,
  cohereBatchLabel,
  cohereEmbeddingBodies,
  fromCohereResponses,
  type CohereBatchResult,
  fromTitanResponses,
  titanEmbeddingBody,
  titanRequestLabel,
} from './embeddings.ts';
import { sendConcurrently } from '../embeddings/embedding-fan-out.ts';
import { checkVectorSizes, requestedSize } from '../embeddings/embedding-vectors.ts';
import { checkBedrockModelId } from './model-id-check.ts';
import { fromBedrockError } from './sdk-errors.ts';
import { UndiciHttpHandler } from '../transport/undici-http-handler.ts';
import { type BedrockCallSlot, installCallMiddleware } from './call-middleware.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../core/limits.ts';
import { attemptSignals } from '../retry/attempt-deadline.ts';
import { dimensionsFields } from './embedding-dimensions.ts';
import { attemptTimeoutMs, checkedExtraHeaders, wireModelId } from '../client/call-settings.ts';
import { checkChatRequest, checkEmbeddingRequest } from '../canonical/canonical-request-checks.ts';
import { registerAwsCredentialSecrets, registerCallHeaderSecrets } from '../../core/secrets.ts';
import { malformedResponseError } from '../retry/failure-classification.ts';
import { sdkClientKey } from '../client/sdk-client-key.ts';
import { type AttemptContext, SdkModelClientBase } from '../client/model-client-base.ts';
import { SharedResourcePool } from '../client/shared-resource-pool.ts';
import { acquireAdmission } from '../admission/admission-registry.ts';

type BedrockModule = typeof import('@aws-sdk/client-bedrock-runtime');

interface BedrockSdk {
  module: BedrockModule;
  client: BedrockRuntimeClient;
  handler: UndiciHttpHandler;
  errorBodies: WeakMap<object, string>;
  calls: WeakMap<object, BedrockCallSlot>;
}

// Without a region the SDK cannot even build a request; the provider schema already takes it
// from the endpoint or AWS_REGION, so this only applies to custom endpoints with neither.
const FALLBACK_REGION = 'us-east-1';

const sdks = new SharedResourcePool<BedrockSdk>();

async function createSdk(args: ClientFactoryArgs): Promise<BedrockSdk> {
  const errorBodies = new WeakMap<object, string>();
  // The handler reads every body within the Bounds rules and keeps the whole text of an error
  // body (at most ERROR_BODY_LIMIT_BYTES) for classification (quota phrases, non-JSON proxy
  // errors): the SDK consumes error bodies while deserialising and keeps only `message`.
  const [module, handler] = await Promise.all([
    import('@aws-sdk/client-bedrock-runtime'),
    UndiciHttpHandler.create(args.model.inferenceParameters.maxParallelRequests, {
      maxResponseBytes: args.provider.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      errorBodies,
    }),
  ]);
  const key = args.provider.apiKey?.reveal();
  const client = new module.BedrockRuntimeClient({
    region: args.provider.region ?? FALLBACK_REGION,
    endpoint: args.provider.endpoint,
    // Our executor owns retries. Both are explicit so AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (whose
    // "adaptive" mode adds a client-side rate limiter) cannot bring the SDK's own back.
    maxAttempts: 1,
    retryMode: 'standard',
    // A smithy HttpHandler by shape (handle, metadata, destroy, config hooks); its types come from
    // @smithy/types, which is not ours to depend on.
    requestHandler: wireTapHandler(handler) as never,
    // A Bedrock API key goes out as `Authorization: Bearer`; without one, SigV4 from the default
    // credential chain. The preference is explicit so AWS_AUTH_SCHEME_PREFERENCE cannot flip it.
    ...(key ? { token: { token: key }, authSchemePreference: ['httpBearerAuth'] } : { authSchemePreference: ['sigv4'] }),
  });
  registerResolvedCredentials(client);
  const calls = new WeakMap<object, BedrockCallSlot>();
  installCallMiddleware(client, calls);
  return { module, client, handler, errorBodies, calls };
}

/**
 * Whatever the default credential chain resolves is a secret from then on: the session token and
 * key id travel in headers a provider may echo (InvalidSignatureException quotes the canonical
 * request). The client reads `config.credentials` on every request, so the wrapper sees each
 * identity it signs with, refreshed ones included.
 */
function registerResolvedCredentials(client: BedrockRuntimeClient): void {
  const resolve = client.config.credentials;
  if (typeof resolve !== 'function') return;
  client.config.credentials = async (...args: Parameters<typeof resolve>) => {
    const identity = await resolve(...args);
    registerAwsCredentialSecrets(identity);
    return identity;
  };
}

function destroySdk(sdk: BedrockSdk): Promise<void> {
  sdk.client.destroy();
  return sdk.handler.close();
}

export async function createBedrockModelClient(args: ClientFactoryArgs): Promise<ModelClient> {
  const [sdk, admission] = await Promise.all([
    sdks.acquire(
      sdkClientKey(args.provider),
      () => createSdk(args),
      destroySdk,
      // Another model on the same endpoint: its parallel requests need sockets of their own.
      (shared) => shared.handler.widen(args.model.inferenceParameters.maxParallelRequests),
    ),
    acquireAdmission(args),
  ]);
  return new BedrockModelClient(args, sdk, admission);
}

// Bedrock answers without rate-limit headers (a ThrottlingException carries no hint), so there is
// no token bucket to draw on: admission learns its limits from 429s alone.
const NO_RATE_HEADERS = {};

type SendableCommand = InstanceType<BedrockModule['ConverseCommand']> | InstanceType<BedrockModule['InvokeModelCommand']>;

class BedrockModelClient extends SdkModelClientBase<BedrockSdk> implements ModelClient {
  readonly providerType = 'bedrock' as const;

  async chat(given: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    const sdk = this.sdk;
    // Null optional fields are unset from here on (engine-rules, "Canonical request contract").
    const request = { ...contractChatRequest(given, this.subject), model: wireModelId(given, this.model) };
    // Request-level checks first, then messages in order (engine-rules, "Canonical request contract", Check order).
    const timeoutMs = attemptTimeoutMs(options, request, this.model, this.subject);
    checkedExtraHeaders(request, this.subject);
    checkChatRequest(request, this.subject, true);
    checkBedrockModelId(request.model, this.subject);
    const input = toBedrockConverseInput(request, request.extra_body ?? {}, this.subject);
    return this.run('chat', options, NO_RATE_HEADERS, async (context) => {
      // A fresh input object per attempt: it is the key the call middleware finds this attempt by.
      const command = new sdk.module.ConverseCommand({ ...input });
      const { output } = await this.#send(sdk, command, request, timeoutMs, context);
      return fromBedrockConverseOutput(output as never, this.subject);
    });
  }

  async embed(given: EmbeddingRequest, options?: CallOptions): Promise<EmbeddingResponse> {
    const sdk = this.sdk;
    const request = { ...given, model: wireModelId(given, this.model) };
    // The unsupported-capability error wins over input validation (engine-rules).
    const family = bedrockEmbeddingFamily(request.model, this.subject);
    checkBedrockModelId(request.model, this.subject);
    checkEmbeddingRequest(request, this.subject);
    const timeoutMs = attemptTimeoutMs(options, request, this.model, this.subject);
    checkedExtraHeaders(request, this.subject);
    const extraBody = request.extra_body ?? {};
    const dimensions = dimensionsFields(request.model, request.dimensions, this.subject);
    const inputCount = request.input.length;
    // Titan's per-text requests and Cohere's batches go out concurrently, each its own `run`
    // (own retries, admission per attempt); the first failure stops the rest (engine-rules).
    if (family === 'cohere') {
      const bodies = cohereEmbeddingBodies(request, dimensions, extraBody);
      const batches = await sendConcurrently<CohereBatchResult>(options, {
        count: bodies.length,
        label: (index) => cohereBatchLabel(index, inputCount),
        send: (index, batchOptions) =>
          this.run('embedding', batchOptions, NO_RATE_HEADERS, async (context) => {
            const { output, headers } = await this.#invoke(sdk, bodies[index], request, timeoutMs, context);
            return { output, inputTokenHeader: headers['x-amzn-bedrock-input-token-count'] };
          }),
      });
      const cohere = fromCohereResponses(batches, inputCount, this.subject);
      checkVectorSizes(
        cohere.data.map((item) => item.embedding),
        requestedSize(bodies[0], 'output_dimension'),
        this.subject,
      );
      return cohere;
    }
    const outputs = await sendConcurrently<unknown>(options, {
      count: inputCount,
      label: (index) => titanRequestLabel(index, inputCount),
      send: (index, textOptions) => {
        const body = titanEmbeddingBody(request.input[index], dimensions, extraBody);
        return this.run(
          'embedding',
          textOptions,
          NO_RATE_HEADERS,
          async (context) => (await this.#invoke(sdk, body, request, timeoutMs, context)).output,
        );
      },
    });
    const titan = fromTitanResponses(outputs, this.subject);
    const asked = requestedSize(titanEmbeddingBody(request.input[0] ?? '', dimensions, extraBody), 'dimensions');
    checkVectorSizes(
      titan.data.map((item) => item.embedding),
      asked,
      this.subject,
    );
    return titan;
  }

  async #invoke(
    sdk: BedrockSdk,
    body: Record<string, unknown>,
    request: EmbeddingRequest,
    timeoutMs: number,
    context: AttemptContext,
  ): Promise<{ output: unknown; headers: Record<string, string> }> {
    const command = new sdk.module.InvokeModelCommand({
      modelId: request.model,
      contentType: 'application/json',
      accept: 'application/json',
      body: new TextEncoder().encode(JSON.stringify(body)),
    });
    const { output, headers } = await this.#send(sdk, command, request, timeoutMs, context);
    const bytes = (output as { body?: { transformToString?: () => string } }).body;
    try {
      return { output: JSON.parse(bytes?.transformToString?.() ?? ''), headers };
    } catch (error) {
      throw malformedResponseError(this.subject, 'embedding response', error);
    }
  }

  async #send(
    sdk: BedrockSdk,
    command: SendableCommand,
    request: ChatRequest | EmbeddingRequest,
    timeoutMs: number,
    { runtime, signal: callSignal }: AttemptContext,
  ): Promise<{ output: unknown; headers: Record<string, string> }> {
    // Credential-named headers of this attempt are secrets while it runs and its error is built.
    const releaseSecrets = registerCallHeaderSecrets(request.extra_headers);
    const { signal: abortSignal, deadline, dispose } = attemptSignals(timeoutMs, callSignal);
    // Both command types share this path; a union would defeat the SDK's overloads.
    const sendable = command as InstanceType<BedrockModule['ConverseCommand']>;
    const slot: BedrockCallSlot = { extraHeaders: request.extra_headers ?? {}, responseHeaders: {} };
    sdk.calls.set(sendable.input, slot);
    try {
      const output: unknown = await sdk.client.send(sendable, { abortSignal });
      return { output, headers: slot.responseHeaders };
    } catch (error) {
      throw fromBedrockError(error, {
        subject: this.subject,
        nowMs: runtime.now(),
        timeoutMs,
        callerSignal: callSignal,
        deadline,
        bodies: sdk.errorBodies,
      });
    } finally {
      sdk.calls.delete(sendable.input);
      dispose();
      releaseSecrets();
    }
  }
}
