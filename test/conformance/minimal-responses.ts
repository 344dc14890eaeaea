// Spec-valid responses with every optional field absent or null, one per operation and provider,
// written from the response schemas' `required` lists (the test first proves each is valid).
import type { Fixture } from '../../src/testing/fixture.ts';

export interface MinimalResponse {
  name: string;
  provider: Fixture['provider'];
  operation: Fixture['operation'];
  model: string;
  path: string;
  /** What the body is validated against before the engines read it. */
  schema: string;
  body: Record<string, unknown>;
}

const OPENAI_CHAT = {
  id: 'chatcmpl-min',
  object: 'chat.completion',
  created: 1767225600,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null }, finish_reason: 'stop', logprobs: null }],
};

const ANTHROPIC_MESSAGE = {
  id: 'msg_min',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [],
  stop_reason: null,
  stop_sequence: null,
  stop_details: null,
  container: null,
  usage: {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    inference_geo: null,
    server_tool_use: null,
    service_tier: null,
  },
};

const CONVERSE = {
  output: { message: { role: 'assistant', content: [] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  metrics: { latencyMs: 0 },
};

export const MINIMAL_RESPONSES: readonly MinimalResponse[] = [
  {
    name: 'openai-chat-content-and-refusal-null',
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o',
    path: '/v1/chat/completions',
    schema: 'CreateChatCompletionResponse',
    body: OPENAI_CHAT,
  },
  {
    name: 'openai-chat-text-no-usage',
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o',
    path: '/v1/chat/completions',
    schema: 'CreateChatCompletionResponse',
    body: {
      ...OPENAI_CHAT,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'length', logprobs: null }],
    },
  },
  {
    name: 'openai-embedding-minimal',
    provider: 'openai',
    operation: 'embedding',
    model: 'text-embedding-3-small',
    path: '/v1/embeddings',
    schema: 'CreateEmbeddingResponse',
    body: {
      object: 'list',
      model: 'text-embedding-3-small',
      data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }],
      usage: { prompt_tokens: 1, total_tokens: 1 },
    },
  },
  {
    name: 'anthropic-empty-content-nulls',
    provider: 'anthropic',
    operation: 'chat',
    model: 'claude-sonnet-4-5',
    path: '/v1/messages',
    schema: 'Message',
    body: ANTHROPIC_MESSAGE,
  },
  {
    name: 'anthropic-text-block-citations-null',
    provider: 'anthropic',
    operation: 'chat',
    model: 'claude-sonnet-4-5',
    path: '/v1/messages',
    schema: 'Message',
    body: { ...ANTHROPIC_MESSAGE, content: [{ type: 'text', text: 'Hi', citations: null }], stop_reason: 'end_turn' },
  },
  {
    name: 'bedrock-converse-empty-content',
    provider: 'bedrock',
    operation: 'chat',
    model: 'us.amazon.nova-micro-v1:0',
    path: '/model/us.amazon.nova-micro-v1%3A0/converse',
    schema: 'com.amazonaws.bedrockruntime#ConverseResponse',
    body: CONVERSE,
  },
  {
    name: 'bedrock-converse-text',
    provider: 'bedrock',
    operation: 'chat',
    model: 'us.amazon.nova-micro-v1:0',
    path: '/model/us.amazon.nova-micro-v1%3A0/converse',
    schema: 'com.amazonaws.bedrockruntime#ConverseResponse',
    body: { ...CONVERSE, output: { message: { role: 'assistant', content: [{ text: 'Hi' }] } }, stopReason: 'max_tokens' },
  },
];
