// The shared wire corpus (real provider exchanges, ../shared/wire-corpus) replayed through the v2
// adapters on a loopback server: every file must end in the expected class after exactly the
// recorded number of attempts, and where a file records a request body, a canonical request
// written for it must produce that body on the wire.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelAPIError } from '../../src/core/errors.ts';
import type { ModelClient } from '../../src/core/model-client.ts';
import type { ChatRequest, EmbeddingRequest, ProviderType } from '../../src/core/types.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { WIRE_CORPUS_DIR } from '../shared-reference.ts';
import { factoryArgs, recordingRuntime } from './factory-args.ts';
import { type LoopbackProvider, startLoopbackProvider } from './loopback-provider.ts';

// The repo's sibling ../shared, like every other corpus-backed suite; DD_WIRE_CORPUS overrides it.
const CORPUS = process.env.DD_WIRE_CORPUS ?? WIRE_CORPUS_DIR;

interface CorpusFile {
  name: string;
  provider: ProviderType;
  operation: 'chat' | 'embedding';
  model: string;
  exchanges: {
    request: { method: string; path: string; body?: unknown; ignore?: string[] };
    response: { status: number; headers?: Record<string, string>; body?: unknown };
  }[];
}

function load(relative: string): CorpusFile {
  return JSON.parse(readFileSync(join(CORPUS, relative), 'utf8')) as CorpusFile;
}

// Listed in test/shared-reference.ts: left out (NOT RUN) without ../shared, required in CI.
const files: string[] = (['openai', 'anthropic', 'bedrock'] as const).flatMap((provider) =>
  readdirSync(join(CORPUS, provider))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => `${provider}/${name}`),
);

/** Expected error class per failing file; every file not listed must succeed. */
const EXPECTED_ERRORS: Record<string, string> = {
  'openai/400_context_length_exceeded.json': 'ModelContextWindowExceededError',
  'openai/400_param_not_supported_code_null.json': 'ModelUnsupportedParamsError',
  'openai/400_unsupported_parameter_max_tokens.json': 'ModelUnsupportedParamsError',
  'openai/400_unsupported_value_developer_role.json': 'ModelBadRequestError',
  'openai/400_x_should_retry_true.json': 'ModelBadRequestError',
  'openai/401_invalid_api_key.json': 'ModelAuthenticationError',
  'openai/403_unsupported_country_region.json': 'ModelPermissionDeniedError',
  'openai/404_model_not_found_chat.json': 'ModelNotFoundError',
  'openai/404_model_not_found_embeddings.json': 'ModelNotFoundError',
  'openai/429_headers_no_retry_after.json': 'ModelRateLimitError',
  'openai/429_insufficient_quota.json': 'ModelQuotaExceededError',
  'openai/429_rate_limit_tpm.json': 'ModelRateLimitError',
  'openai/429_retry_after_fractional_seconds.json': 'ModelRateLimitError',
  'openai/429_retry_after_http_date.json': 'ModelRateLimitError',
  'openai/429_retry_after_ms.json': 'ModelRateLimitError',
  'openai/429_retry_after_ms_precedes_http_date.json': 'ModelRateLimitError',
  // A streamed (SSE) body under a 200: streaming is out of scope, so it is not a completion.
  'openai/500_server_error_first_stream_chunk.json': 'ModelAPIError',
  'openai/500_server_error_first_stream_chunk__http500.json': 'ModelInternalServerError',
  'openai/azure_400_content_filter.json': 'ModelBadRequestError',
  'openai/compat_deepseek_400_context_length.json': 'ModelContextWindowExceededError',
  'openai/compat_nim_403_problem_json.json': 'ModelPermissionDeniedError',
  'openai/compat_nim_404_plain_text_body.json': 'ModelNotFoundError',
  'openai/compat_nim_404_problem_json.json': 'ModelNotFoundError',
  'openai/compat_vllm_400_nested_error_int_code.json': 'ModelContextWindowExceededError',
  'openai/compat_vllm_400_toplevel_error_object.json': 'ModelBadRequestError',
  'anthropic/400_credit_balance_too_low.json': 'ModelQuotaExceededError',
  'anthropic/400_effort_not_supported.json': 'ModelBadRequestError',
  'anthropic/400_input_plus_max_tokens_exceed_context.json': 'ModelContextWindowExceededError',
  'anthropic/400_prompt_too_long.json': 'ModelContextWindowExceededError',
  'anthropic/401_authentication_error.json': 'ModelAuthenticationError',
  'anthropic/403_permission_error.json': 'ModelPermissionDeniedError',
  'anthropic/404_not_found_model_trailing_space.json': 'ModelNotFoundError',
  'anthropic/413_invalid_request_context_window.json': 'ModelContextWindowExceededError',
  'anthropic/413_request_too_large_cloudflare_shape.json': 'ModelContextWindowExceededError',
  'anthropic/429_headers_without_retry_after_2024.json': 'ModelRateLimitError',
  'anthropic/429_rate_limit_input_tokens_per_minute.json': 'ModelRateLimitError',
  'anthropic/429_rate_limit_retry_after_zero.json': 'ModelRateLimitError',
  'anthropic/500_api_error.json': 'ModelInternalServerError',
  'anthropic/529_overloaded_error.json': 'ModelInternalServerError',
  'anthropic/docs_error_shape_not_found.json': 'ModelNotFoundError',
  // A documentation excerpt without a `content` array: the wrong shape for a message.
  'anthropic/docs_model_context_window_exceeded.json': 'ModelAPIError',
  'bedrock/400_validation_input_too_long.json': 'ModelContextWindowExceededError',
  'bedrock/400_validation_invalid_model_identifier.json': 'ModelBadRequestError',
  'bedrock/400_validation_on_demand_throughput_curly_apostrophe.json': 'ModelBadRequestError',
  'bedrock/400_validation_prompt_too_long_model_errors.json': 'ModelContextWindowExceededError',
  'bedrock/400_validation_tool_result_blocks_same_turn.json': 'ModelBadRequestError',
  'bedrock/403_access_denied_iam_capital_Message.json': 'ModelPermissionDeniedError',
  'bedrock/403_access_denied_model_access.json': 'ModelPermissionDeniedError',
  'bedrock/403_unrecognized_client_invalid_token.json': 'ModelAuthenticationError',
  'bedrock/404_resource_not_found_legacy_model.json': 'ModelNotFoundError',
  'bedrock/408_model_timeout.json': 'ModelTimeoutError',
  'bedrock/429_model_not_ready.json': 'ModelInternalServerError',
  'bedrock/429_throttling_too_many_requests.json': 'ModelRateLimitError',
  'bedrock/429_throttling_too_many_tokens.json': 'ModelRateLimitError',
  'bedrock/500_internal_server_exception_stream_event.json': 'ModelInternalServerError',
  'bedrock/503_service_unavailable_stream_event.json': 'ModelInternalServerError',
  'bedrock/503_service_unavailable_too_many_connections.json': 'ModelInternalServerError',
};

let server: LoopbackProvider | undefined;
let client: ModelClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function replay(file: CorpusFile) {
  server = await startLoopbackProvider(
    file.exchanges.map((exchange) => ({
      status: exchange.response.status,
      headers: exchange.response.headers,
      body: exchange.response.body === null ? 'null' : exchange.response.body,
    })),
  );
  const runtime = recordingRuntime();
  client = await createClient(
    factoryArgs(
      {
        name: `corpus-${file.name}`,
        endpoint: file.provider === 'openai' ? `${server.url}/v1` : server.url,
        providerType: file.provider,
        apiKey: 'corpus-test-key',
        region: 'us-east-1',
      },
      { alias: 'corpus', model: file.model },
      { runtime },
    ),
  );
  return { server, client, runtime };
}

function withoutKeys(value: unknown, ignore: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeys(item, ignore));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !ignore.includes(key))
        .map(([key, item]) => [key, withoutKeys(item, ignore)]),
    );
  }
  return value;
}

describe('wire corpus: outcome and attempts of every file', () => {
  it.each(files)('%s', async (relative) => {
    const file = load(relative);
    const { server, client } = await replay(file);
    const call =
      file.operation === 'chat'
        ? client.chat({ model: file.model, messages: [{ role: 'user', content: 'Hello' }] })
        : client.embed({ model: file.model, input: ['Hello'] });
    const outcome = await call.then(
      () => 'ok',
      (error: unknown) => (error as Error).name,
    );
    expect(outcome).toBe(EXPECTED_ERRORS[relative] ?? 'ok');
    expect(server.requests).toHaveLength(file.exchanges.length);
    for (const [i, exchange] of file.exchanges.entries()) expect(server.requests[i].path).toBe(exchange.request.path);
  });
});

const tool = (name: string, description: string | undefined, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'function' as const,
  function: {
    name,
    ...(description !== undefined ? { description } : {}),
    parameters: { additionalProperties: false, properties, type: 'object', ...extra },
  },
});

/** Canonical requests written for corpus files that record their request body. */
const CANONICAL: Record<string, ChatRequest | EmbeddingRequest> = {
  'openai/chat_parallel_tool_results_roundtrip.json': {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Just call tools without asking for confirmation.' },
      { role: 'user', content: 'Delete the file `.env` and create `test.txt`' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_jYdIdRZHxZTn5bWCq5jlMrJi', type: 'function', function: { name: 'delete_file', arguments: '{"path": ".env"}' } },
          { id: 'call_TmlTVWQbzrXCZ4jNsCVNbNqu', type: 'function', function: { name: 'create_file', arguments: '{"path": "test.txt"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_jYdIdRZHxZTn5bWCq5jlMrJi', content: 'true' },
      { role: 'tool', tool_call_id: 'call_TmlTVWQbzrXCZ4jNsCVNbNqu', content: 'Success' },
    ],
    tool_choice: 'auto',
    tools: [
      {
        type: 'function',
        function: { ...tool('create_file', '', { path: { type: 'string' } }, { required: ['path'] }).function, strict: true },
      },
      {
        type: 'function',
        function: { ...tool('delete_file', '', { path: { type: 'string' } }, { required: ['path'] }).function, strict: true },
      },
    ],
  },
  'openai/compat_gemini_tool_result_with_generated_id.json': {
    model: 'gemini-2.5-pro-preview-05-06',
    messages: [
      { role: 'user', content: 'What is the current time?' },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'pyd_ai_cee885c699414386a7e14b7ec43cadbc', type: 'function', function: { name: 'get_current_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'pyd_ai_cee885c699414386a7e14b7ec43cadbc', content: 'Noon' },
    ],
    tool_choice: 'auto',
    tools: [tool('get_current_time', 'Get the current time.', {})],
  },
  'anthropic/thinking_block_replayed_with_tool_result.json': {
    model: 'claude-sonnet-4-0',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is the largest city in the user country?' }] },
      {
        role: 'assistant',
        content: "I'll help you find the largest city in your country. First, let me determine which country you're from.",
        tool_calls: [{ id: 'toolu_01YGzqpRE16Vricda3Aqcejo', type: 'function', function: { name: 'get_user_country', arguments: '{}' } }],
        thinking_blocks: [{ type: 'thinking', thinking: '<from corpus>', signature: '<from corpus>' }],
      },
      { role: 'tool', tool_call_id: 'toolu_01YGzqpRE16Vricda3Aqcejo', content: 'Mexico' },
    ],
    tools: [tool('get_user_country', '', {})],
    tool_choice: 'auto',
    extra_body: { thinking: { budget_tokens: 3000, type: 'enabled' } },
  },
  'anthropic/image_url_input.json': {
    model: 'claude-haiku-4-5',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this vegetable?' },
          {
            type: 'image_url',
            image_url: { url: 'https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg' },
          },
        ],
      },
    ],
  },
  'bedrock/converse_reasoning_replayed_with_tool_result.json': {
    model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    messages: [
      { role: 'user', content: 'What is the largest city in the user country?' },
      {
        role: 'assistant',
        content: "I'll need to check what country you're from to answer that question.",
        tool_calls: [{ id: 'tooluse_W9DaUFg4Tj2cRPpndqxWSg', type: 'function', function: { name: 'get_user_country', arguments: '{}' } }],
        thinking_blocks: [{ type: 'thinking', thinking: '<from corpus>', signature: '<from corpus>' }],
      },
      { role: 'tool', tool_call_id: 'tooluse_W9DaUFg4Tj2cRPpndqxWSg', content: 'Mexico' },
    ],
    tools: [tool('get_user_country', undefined, {})],
    extra_body: { thinking: { type: 'enabled', budget_tokens: 1024 } },
  },
  'bedrock/converse_image_bytes_input.json': {
    model: 'us.amazon.nova-pro-v1:0',
    messages: [
      { role: 'system', content: 'You are a helpful chatbot.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this vegetable?' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEBLAEsAAD/4QBWRXhpZgAATU0AKgAA' } },
        ],
      },
    ],
  },
  'bedrock/invoke_titan_embed_v2.json': {
    model: 'amazon.titan-embed-text-v2:0',
    input: ['Test embedding dimensions'],
    dimensions: 256,
  },
  'bedrock/invoke_cohere_embed_v3.json': { model: 'cohere.embed-english-v3', input: ['Hello, world!'] },
};

/** Opaque values (thinking text and signatures) are copied from the file rather than retyped. */
function fillFromCorpus(relative: string, request: ChatRequest | EmbeddingRequest, recorded: unknown): void {
  if (!('messages' in request)) return;
  const assistant = request.messages.find((m) => m.role === 'assistant');
  const block = assistant && 'thinking_blocks' in assistant ? assistant.thinking_blocks?.[0] : undefined;
  if (!block || block.type !== 'thinking') return;
  const messages = (recorded as { messages: { role: string; content: Record<string, unknown>[] }[] }).messages;
  const content = messages.find((m) => m.role === 'assistant')?.content ?? [];
  if (relative.startsWith('anthropic/')) {
    const thinking = content.find((b) => b.type === 'thinking') as { thinking: string; signature: string };
    block.thinking = thinking.thinking;
    block.signature = thinking.signature;
  } else {
    const reasoning = content.find((b) => 'reasoningContent' in b)?.reasoningContent as {
      reasoningText: { text: string; signature: string };
    };
    block.thinking = reasoning.reasoningText.text;
    block.signature = reasoning.reasoningText.signature;
  }
}

describe('wire corpus: recorded request bodies', () => {
  it.each(Object.keys(CANONICAL))('%s', async (relative) => {
    const file = load(relative);
    const request = structuredClone(CANONICAL[relative]);
    const recorded = file.exchanges[0].request;
    fillFromCorpus(relative, request, recorded.body);
    const { server, client } = await replay(file);
    if ('messages' in request) await client.chat(request);
    // The corpus abbreviates vectors (5 numbers of a 256-dimension Titan answer), which the engine
    // now refuses as the wrong size (engine-rules): only the request body is judged here.
    else await client.embed(request).catch((error: unknown) => expect(error).toBeInstanceOf(ModelAPIError));
    const ignore = recorded.ignore ?? [];
    expect(server.requests[0].path).toBe(recorded.path);
    expect(withoutKeys(server.requests[0].body, ignore)).toEqual(withoutKeys(recorded.body, ignore));
  });
});
