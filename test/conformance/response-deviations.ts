// Bundled fixtures whose accepted 2xx body is not valid for the provider's response schema, each
// with the reason the engines accept it anyway. Everything else must conform: a new deviation
// fails responses.test.ts until it is understood and listed here.
const DOCS_EXCERPT =
  'a documentation example, abbreviated by the docs (no id/model/usage/stop_reason): real answers carry them, the engines omit what is missing';
const COMPAT =
  'an OpenAI-compatible server, not OpenAI: it leaves out `logprobs`/`refusal` (or `content`), which the OpenAI definition requires and OpenAI itself always sends';
const BASE64 =
  'encoding_format "base64": OpenAI answers the vector as a base64 string, while the definition types `embedding` only in its float form (a known gap of the spec)';
const COMPOSED = 'composed on purpose to pin a robustness rule of docs/engine-rules.md: the body is outside the definition by design';

export const RESPONSE_DEVIATIONS: Readonly<Record<string, string>> = {
  'anthropic/model-context-window-exceeded-is-length':
    'stop_reason "model_context_window_exceeded" (Claude 4.5+, documented in wire-corpus/anthropic/docs_model_context_window_exceeded) is missing from the definition\'s StopReason enum',
  'anthropic/multi-turn': DOCS_EXCERPT,
  'anthropic/params-mapped-and-dropped': DOCS_EXCERPT,
  'anthropic/refusal-partial-text': DOCS_EXCERPT,
  'anthropic/thinking-enabled-via-extra-body': DOCS_EXCERPT,
  'anthropic/thinking-without-string-text-skipped': `${COMPOSED} (thinking text not a string), on a ${DOCS_EXCERPT}`,
  'anthropic/tool-call-id-from-another-provider-mapped': DOCS_EXCERPT,
  'anthropic/tool-result-round-trip': DOCS_EXCERPT,
  'anthropic/tool-use-single': DOCS_EXCERPT,
  'openai/deepseek-reasoning-content-sent-back-in-tool-loop': `${COMPAT} (DeepSeek)`,
  'openai/embedding-base64-decoded': BASE64,
  'openai/embedding-base64-full-vector': BASE64,
  'openai/embedding-base64-known-floats-ordered-by-index': BASE64,
  'openai/empty-tool-call-id-synthesised': `${COMPAT} (Gemini)`,
  'openai/synthesised-tool-call-id-round-trip': `${COMPAT} (Gemini)`,
  'openai/extra-body-flattened-reasoning-usage':
    'a recorded OpenAI o3-mini answer (pydantic-ai cassette) whose recorder dropped `logprobs: null`',
  'openai/finish-content-filter-without-content': `${COMPAT} (Azure OpenAI: content filtered, message without content)`,
  'openai/finish-length': `${COMPAT} (DeepSeek)`,
  'openai/200-deepseek-insufficient-system-resource-recovers': `${COMPAT} (DeepSeek)`,
  'openai/200-event-stream-json-body-router': `${COMPAT} (DeepSeek behind a router)`,
  'openai/200-text-plain-json-body-mistralrs': `${COMPAT} (mistral.rs)`,
  'openai/reasoning-content-field': `${COMPAT} (DeepSeek)`,
  'openai/reasoning-content-sent-back-in-tool-loop': `${COMPAT} (DeepSeek)`,
  'openai/tool-call-with-index-and-reasoning': `${COMPAT} (DeepSeek)`,
  'openai/reasoning-content-provider-total-tokens': `${COMPAT} (xAI)`,
  'openai/tool-call-empty-string-content-is-null': `${COMPAT} (xAI)`,
  'openai/reasoning-field': `${COMPAT} (Cerebras)`,
  'openai/reasoning-field-wins-over-reasoning-content': `${COMPAT} (Cerebras, composed with DeepSeek's reasoning_content added)`,
  'openai/tool-call-multiline-arguments': 'an OpenAI documentation example (docs_chat_function_tool_call) that leaves out `refusal`',
  'openai/tool-calls-non-object-entries-dropped': `${COMPOSED} (tool_calls entries that are not objects are dropped)`,
  'bedrock/parallel-tool-use-blocks-by-key':
    'a vercel/ai test fixture (wire-corpus/bedrock/converse_parallel_tool_use_fixture), not live traffic: it has no `metrics`',
  'bedrock/reasoning-text-and-redacted-in-one-block-keeps-both': `${COMPOSED} (a reasoningContent union with two members set)`,
  'bedrock/reasoning-without-string-text-skipped': `${COMPOSED} (reasoningText.text not a string)`,
};
