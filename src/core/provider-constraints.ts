// Limits the providers' API definitions and documentation set on what a request may carry
// (issue 18). The values live here once; each engine enforces them in its own code
// (docs/engine-rules.md, "Request translation").

/** Image media types Anthropic (Base64ImageSource) and Bedrock (ImageFormat) accept. */
export const INLINE_IMAGE_MEDIA_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Common spellings of an accepted media type, sent under the documented name. */
export const IMAGE_MEDIA_TYPE_ALIASES: Readonly<Record<string, string>> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };

/** Anthropic `Tool.name`: `^[a-zA-Z0-9_-]{1,128}$`. */
export const ANTHROPIC_TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
export const ANTHROPIC_TOOL_NAME_RULE = '^[a-zA-Z0-9_-]{1,128}$';

/** Bedrock Converse `ToolName`: `^[a-zA-Z0-9_-]+$`, 1 to 64 characters. */
export const BEDROCK_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const BEDROCK_TOOL_NAME_RULE = '^[a-zA-Z0-9_-]{1,64}$';

/** OpenAI `/embeddings`: at most 2,048 inputs in one request. */
export const OPENAI_EMBEDDING_BATCH_MAX = 2048;

/** Anthropic's `max_tokens` default, and the room left for the answer above a thinking budget. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** Bedrock `CacheTTL` values; Anthropic `CacheControlEphemeral.ttl` takes the same two. */
export const CACHE_TTLS: readonly string[] = ['5m', '1h'];
