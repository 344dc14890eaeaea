// Span and metric attribute keys. The `gen_ai.*` ones follow the OpenTelemetry GenAI semantic
// conventions (gen_ai.provider.name replaced the deprecated gen_ai.system); `dd.*` are ours.
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** Content (opt-in only, redacted): the conventions' JSON-serialised chat history and answer. */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

export const ATTR_DD_ENGINE = 'dd.engine';
export const ATTR_DD_MODEL_ALIAS = 'dd.model.alias';
export const ATTR_DD_PROVIDER_NAME = 'dd.provider.name';
/** Our provider type (`openai`, `anthropic`, `bedrock`), the metrics' tag next to engine and alias. */
export const ATTR_DD_PROVIDER_TYPE = 'dd.provider.type';
export const ATTR_DD_ATTEMPT = 'dd.attempt';
export const ATTR_DD_ERROR_CLASS = 'dd.error.class';
export const ATTR_DD_RETRY_AFTER_MS = 'dd.retry_after_ms';
export const ATTR_DD_ADMISSION_WAIT_MS = 'dd.admission.wait_ms';
export const ATTR_DD_RATE_LIMITED = 'dd.rate_limited';
export const ATTR_DD_ADMISSION_POLICY = 'dd.admission.policy';
export const ATTR_DD_ADMISSION_DOMAIN = 'dd.admission.domain';

/** `gen_ai.operation.name` values we emit; `generate` is ours (the parent of a generate's model calls). */
export const OPERATION_CHAT = 'chat';
export const OPERATION_EMBEDDINGS = 'embeddings';
export const OPERATION_GENERATE = 'generate';
