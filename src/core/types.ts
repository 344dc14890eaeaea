// Canonical request/response shapes (docs/contract.md "Canonical types"). OpenAI Chat Completions is canonical so that
// every access site reads the same fields whichever provider answered.

export type ProviderType = 'openai' | 'anthropic' | 'bedrock';
export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic', 'bedrock'];

export type Operation = 'chat' | 'embedding';

/** A prompt-cache breakpoint on a part (Anthropic `cache_control`, Bedrock `cachePoint`). */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  /** Cache everything up to and including this part (docs/engine-rules.md, "Prompt caching on parts"). */
  cache_control?: CacheControl;
}

export interface ImageUrlPart {
  type: 'image_url';
  image_url: { url: string; detail?: string };
}

export type UserContentPart = TextPart | ImageUrlPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Opaque provider reasoning kept so it can be sent back unchanged on the next turn. */
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string };

export interface SystemMessage {
  role: 'system';
  content: string | TextPart[];
}

export interface UserMessage {
  role: 'user';
  content: string | UserContentPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextPart[] | null;
  tool_calls?: ToolCall[];
  reasoning_content?: string | null;
  thinking_blocks?: ThinkingBlock[];
}

export interface ToolMessage {
  role: 'tool';
  tool_call_id: string;
  /** Images are sent inside the tool result to Anthropic and Bedrock; OpenAI refuses them. */
  content: string | UserContentPart[];
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

export type ToolChoice = 'auto' | 'required' | 'none' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string | string[];
  seed?: number;
  response_format?: Record<string, unknown>;
  n?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  /** Flattened into the provider body (Bedrock: additionalModelRequestFields). Never validated. */
  extra_body?: Record<string, unknown>;
  extra_headers?: Record<string, string>;
  /** Client deadline for one attempt; never sent on the wire. */
  timeout_ms?: number;
}

/**
 * The canonical request's optional fields that OpenAI's chat body carries under the same names
 * (the canonical shape is OpenAI's). The one list both engines and the facade derive theirs from.
 */
export const OPENAI_NATIVE_CHAT_FIELDS = [
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'max_tokens',
  'stop',
  'seed',
  'response_format',
  'n',
  'frequency_penalty',
  'presence_penalty',
] as const satisfies readonly (keyof ChatRequest)[];

/** Every optional field of ChatRequest (all but model and messages): the native ones and our own. */
export const OPTIONAL_CHAT_FIELDS = [
  ...OPENAI_NATIVE_CHAT_FIELDS,
  'extra_body',
  'extra_headers',
  'timeout_ms',
] as const satisfies readonly (keyof ChatRequest)[];

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ResponseMessage {
  role: 'assistant';
  content: string | null;
  reasoning_content: string | null;
  tool_calls?: ToolCall[];
  thinking_blocks?: ThinkingBlock[];
}

export interface Choice {
  index: number;
  message: ResponseMessage;
  finish_reason: FinishReason | null;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  reasoning_tokens?: number;
  cached_prompt_tokens?: number;
}

export interface ChatResponse {
  id?: string;
  model?: string;
  choices: Choice[];
  usage?: Usage;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  extra_body?: Record<string, unknown>;
  extra_headers?: Record<string, string>;
  timeout_ms?: number;
}

export interface EmbeddingResponse {
  data: { index: number; embedding: number[] }[];
  usage?: { prompt_tokens: number; total_tokens: number };
  model?: string;
}
