// What an OpenAI-compatible server does differently from OpenAI (docs/engine-rules.md, "Server dialects";
// docs/compatible-servers.md). Pure data and types: each engine reads the tables and implements
// their use itself (legacy `retry/failure-classification.ts`, `openai/request.ts`; v2 the same
// names), so the two engines share the facts, never the code that acts on them.

/** The `dialect` values a provider accepts; `openai` is the default and keeps OpenAI's own behaviour. */
export const DIALECT_NAMES = [
  'openai',
  'vllm',
  'nim',
  'tgi',
  'ollama',
  'llamacpp',
  'openrouter',
  'azure',
  'groq',
  'together',
  'deepseek',
  'mistral',
] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];
export const DEFAULT_DIALECT: DialectName = 'openai';

/** The classes an error row may pick: the ones a server's own words can mean (src/core/errors.ts names). */
export type ErrorRuleClass =
  | 'ModelQuotaExceededError'
  | 'ModelContextWindowExceededError'
  | 'ModelRateLimitError'
  | 'ModelInternalServerError';

/**
 * One row of an error table. Every condition that is set must hold (an unset one matches
 * anything); the first matching row decides the class, before the rest of docs/engine-rules.md "Errors".
 */
export interface ErrorRule {
  /** HTTP status of the response. */
  status?: number;
  /** `error.code` of the body, compared as text (OpenRouter and llama.cpp send numbers). */
  code?: string;
  /** `error.type` of the body. */
  type?: string;
  /** Bedrock's exception name (`x-amzn-errortype`, before the first `:`). */
  awsType?: string;
  /** At least one of these, lower case, in the provider message as normalised for matching. */
  phrases?: readonly string[];
  errorClass: ErrorRuleClass;
  /** The server's documentation or a public issue quoting the body this row reads. */
  source: string;
}

/** How an assistant turn's `reasoning_content` in the history is sent. */
export type ReasoningHistoryRule = 'send' | 'omit';
/** How tool-call ids in the history are sent: as given, or rewritten to nine letters and digits. */
export type ToolCallIdRule = 'as-given' | 'nine-alphanumeric';
/** How `tools: []` is sent: as given, or left out. */
export type EmptyToolsRule = 'send' | 'omit';

export interface ServerDialect {
  name: DialectName;
  /** The server (or family of servers) in the words of its makers. */
  server: string;
  /** Rows checked before the rows every server shares (`every-server-errors.ts`). */
  errors: readonly ErrorRule[];
  request: {
    reasoningHistory: ReasoningHistoryRule;
    toolCallIds: ToolCallIdRule;
    emptyTools: EmptyToolsRule;
  };
  /** Where each difference above is documented (docs, issues); `[]` when the server has none. */
  sources: readonly string[];
}
