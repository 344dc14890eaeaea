// ModelClient over the official `@anthropic-ai/sdk`. Chat only: Anthropic has no embeddings API.
import { contractChatRequest } from '../canonical/canonical-request-contract.ts';
import type { Anthropic } from '@anthropic-ai/sdk';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { ModelUnsupportedCapabilityError } from '../../core/errors.ts';
import type { CallOptions, ModelClient } from '../../core/model-client.ts';
import type { ClientFactoryArgs } from '../../config/client-factory.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../core/limits.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { toAnthropicMessagesBody } from './request.ts';
import { fromAnthropicMessage } from './response.ts';
import { attemptSignals } from '../retry/attempt-deadline.ts';
import { attemptTimeoutMs, checkedExtraHeaders, wireModelId } from '../client/call-settings.ts';
import { checkChatRequest } from '../canonical/canonical-request-checks.ts';
import { registerCallHeaderSecrets } from '../../core/secrets.ts';
import { sdkClientKey } from '../client/sdk-client-key.ts';
import { SdkModelClientBase } from '../client/model-client-base.ts';
import { SharedResourcePool } from '../client/shared-resource-pool.ts';
import { wireTapFetch } from '../transport/wire-tap-fetch.ts';
import { createUndiciFetch, type UndiciFetch } from '../transport/fetch.ts';
import { attemptFetchOptions } from '../transport/attempt-signal.ts';
import { type StainlessErrorClasses, fromStainlessError } from '../client/sdk-errors.ts';
import { chatDemand } from '../admission/admission-demand.ts';
import { headerLookup } from '../transport/header-lookup.ts';
import { jsonSuccessBody } from '../transport/json-success-body.ts';
import { acquireAdmission } from '../admission/admission-registry.ts';

interface AnthropicSdk {
  client: Anthropic;
  classes: StainlessErrorClasses;
  errorBodies: WeakMap<object, string>;
  transport: UndiciFetch;
}

// Passing some key stops the SDK from reading ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN or
// probing a credential chain. The key itself travels as `x-api-key` (docs/contract.md "Provider translation"); the
// `Authorization: Bearer` header the SDK would build from it is removed.
const KEYLESS_PLACEHOLDER = 'no-key-configured';

const sdks = new SharedResourcePool<AnthropicSdk>();

/** The SDK appends `/v1/messages` itself, so an endpoint ending in `/v1` loses it. */
export function anthropicBaseUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
}

async function createSdk(args: ClientFactoryArgs): Promise<AnthropicSdk> {
  const sdk = await import('@anthropic-ai/sdk');
  const key = args.provider.apiKey?.reveal();
  const errorBodies = new WeakMap<object, string>();
  const transport = await createUndiciFetch({
    maxResponseBytes: args.provider.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    errorBodies,
  });
  const client = new sdk.Anthropic({
    apiKey: KEYLESS_PLACEHOLDER,
    baseURL: anthropicBaseUrl(args.provider.endpoint),
    maxRetries: 0,
    fetch: wireTapFetch(transport.fetch),
    defaultHeaders: { Authorization: null, ...(key ? { 'X-Api-Key': key } : {}) },
  });
  return { client, classes: sdk, errorBodies, transport };
}

export async function createAnthropicModelClient(args: ClientFactoryArgs): Promise<ModelClient> {
  const [sdk, admission] = await Promise.all([
    sdks.acquire(
      sdkClientKey(args.provider),
      () => createSdk(args),
      (shared) => shared.transport.close(),
    ),
    acquireAdmission(args),
  ]);
  return new AnthropicModelClient(args, sdk, admission);
}

class AnthropicModelClient extends SdkModelClientBase<AnthropicSdk> implements ModelClient {
  readonly providerType = 'anthropic' as const;

  async chat(given: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
    const sdk = this.sdk;
    // Null optional fields are unset from here on (engine-rules, "Canonical request contract").
    const request = { ...contractChatRequest(given, this.subject), model: wireModelId(given, this.model) };
    // Request-level checks first, then messages in order (engine-rules, "Canonical request contract", Check order).
    const timeoutMs = attemptTimeoutMs(options, request, this.model, this.subject);
    checkedExtraHeaders(request, this.subject);
    checkChatRequest(request, this.subject, true);
    const body = toAnthropicMessagesBody(request, request.extra_body ?? {}, this.subject);
    return this.run('chat', options, chatDemand(request), async ({ runtime, observe, signal: callSignal }) => {
      // Credential-named headers of this attempt are secrets while it runs and its error is built.
      const releaseSecrets = registerCallHeaderSecrets(request.extra_headers);
      const { signal, deadline, dispose, cancel } = attemptSignals(timeoutMs, callSignal);
      let raw: unknown;
      try {
        // `post` rather than `messages.create`: create() prints a console warning on every call
        // for deprecated models and drops some body keys, neither of which a batch job wants.
        const { data, response } = await sdk.client
          .post<Message>('/v1/messages', {
            body,
            timeout: timeoutMs,
            maxRetries: 0,
            headers: request.extra_headers ?? {},
            fetchOptions: attemptFetchOptions(signal),
          })
          .withResponse();
        observe(headerLookup(response.headers));
        raw = jsonSuccessBody(data, response.headers);
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
        });
      } finally {
        dispose();
        releaseSecrets();
      }
      return fromAnthropicMessage(raw, this.subject);
    });
  }

  async embed(_request: EmbeddingRequest, _options?: CallOptions): Promise<EmbeddingResponse> {
    throw new ModelUnsupportedCapabilityError({
      ...this.subject,
      causeText: `{subject} (Anthropic) does not offer embeddings`,
      solution: 'Configure an embedding model on an OpenAI-compatible or Bedrock provider.',
    });
  }
}
