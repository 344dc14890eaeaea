// Error rows every dialect uses (docs/engine-rules.md, "Errors", step 0): each reads a code, a
// type, an exception name or a phrase that no other server uses to mean something else, so it is
// safe for every user whichever `dialect` they set. A row another server contradicts lives in that
// server's dialect instead (dialect-table.ts).
import type { ErrorRule } from './server-dialect.ts';

export const EVERY_SERVER_ERROR_RULES: readonly ErrorRule[] = [
  {
    // llama.cpp's own type for a prompt longer than the slot's context: 500 before, 400 since.
    type: 'exceed_context_size_error',
    errorClass: 'ModelContextWindowExceededError',
    source: 'https://github.com/ggml-org/llama.cpp/pull/15780, https://github.com/ggml-org/llama.cpp/issues/19774',
  },
  {
    // Older llama.cpp servers: a 500 `server_error` that no retry can cure.
    phrases: ['context size has been exceeded'],
    errorClass: 'ModelContextWindowExceededError',
    source: 'https://github.com/ggml-org/llama.cpp/issues/19774',
  },
  {
    // 402 Payment Required: DeepSeek "Insufficient Balance", OpenRouter "requires more credits".
    status: 402,
    errorClass: 'ModelQuotaExceededError',
    source:
      'https://api-docs.deepseek.com/quick_start/error_codes, https://openrouter.ai/docs/api-reference/errors, ' +
      'https://github.com/Aider-AI/aider/issues/4851, https://github.com/babikov/doka-site/issues/7',
  },
  {
    // Groq: one request larger than the per-minute token budget is a 413 with the 429's code.
    status: 413,
    code: 'rate_limit_exceeded',
    errorClass: 'ModelRateLimitError',
    source: 'https://console.groq.com/docs/rate-limits, https://github.com/cottongeeks/podscript/issues/20',
  },
  {
    // Bedrock's daily token quota is a ThrottlingException too; only its words tell it from the per-minute one.
    awsType: 'ThrottlingException',
    phrases: ['per day'],
    errorClass: 'ModelQuotaExceededError',
    source: 'https://github.com/minorun365/agent-book/issues/29, https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html',
  },
  {
    // AWS: "An error occurred while streaming the response. Retry your request." (HTTP 424).
    awsType: 'ModelStreamErrorException',
    errorClass: 'ModelInternalServerError',
    source: 'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ResponseStream.html',
  },
];
