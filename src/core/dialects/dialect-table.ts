// One row per dialect: what each server does differently from OpenAI, with where that is written
// (docs/compatible-servers.md shows the same table to users). A difference no other server
// contradicts is not here but in every-server-errors.ts, so users who leave `dialect` unset get it too.
import type { DialectName, ServerDialect } from './server-dialect.ts';

const AS_OPENAI: ServerDialect['request'] = { reasoningHistory: 'send', toolCallIds: 'as-given', emptyTools: 'send' };

export const DIALECTS: Readonly<Record<DialectName, ServerDialect>> = {
  openai: { name: 'openai', server: 'OpenAI (the default)', errors: [], request: AS_OPENAI, sources: [] },
  vllm: {
    name: 'vllm',
    server: 'vLLM',
    errors: [],
    // Since vLLM PR 39780 an empty `tools` list is a 400, as it is on OpenAI ("empty_array").
    request: { ...AS_OPENAI, emptyTools: 'omit' },
    sources: ['https://github.com/vllm-project/vllm/pull/39780'],
  },
  nim: { name: 'nim', server: 'NVIDIA NIM', errors: [], request: AS_OPENAI, sources: [] },
  tgi: {
    name: 'tgi',
    server: 'Hugging Face Text Generation Inference',
    // TGI answers 424 when generation failed on the shard; Groq's 424 is a failed remote MCP
    // dependency (not worth a retry), so the status alone is TGI's rule, not everyone's.
    errors: [
      {
        status: 424,
        errorClass: 'ModelInternalServerError',
        source:
          'https://huggingface.co/docs/text-generation-inference/en/reference/api_reference, ' +
          'https://github.com/huggingface/text-generation-inference/issues/369, https://console.groq.com/docs/errors',
      },
    ],
    request: AS_OPENAI,
    sources: ['https://github.com/huggingface/text-generation-inference/issues/369'],
  },
  ollama: { name: 'ollama', server: 'Ollama', errors: [], request: AS_OPENAI, sources: [] },
  llamacpp: { name: 'llamacpp', server: 'llama.cpp server', errors: [], request: AS_OPENAI, sources: [] },
  openrouter: { name: 'openrouter', server: 'OpenRouter', errors: [], request: AS_OPENAI, sources: [] },
  azure: { name: 'azure', server: 'Azure OpenAI', errors: [], request: AS_OPENAI, sources: [] },
  groq: {
    name: 'groq',
    server: 'Groq',
    errors: [],
    // 400 "property 'reasoning_content' is unsupported" on an assistant turn of the history.
    request: { ...AS_OPENAI, reasoningHistory: 'omit' },
    sources: ['https://github.com/janhq/jan/issues/8136', 'https://github.com/tashfeenahmed/freellmapi/issues/1070'],
  },
  together: { name: 'together', server: 'Together AI', errors: [], request: AS_OPENAI, sources: [] },
  deepseek: {
    name: 'deepseek',
    server: 'DeepSeek',
    errors: [],
    // Thinking-mode tool loops need `reasoning_content` back (sent, as by default); `tools: []` is refused.
    request: { ...AS_OPENAI, emptyTools: 'omit' },
    sources: ['https://api-docs.deepseek.com/guides/thinking_mode', 'https://github.com/runebookai/tome/pull/87'],
  },
  mistral: {
    name: 'mistral',
    server: 'Mistral AI (La Plateforme)',
    errors: [],
    request: { reasoningHistory: 'omit', toolCallIds: 'nine-alphanumeric', emptyTools: 'omit' },
    sources: [
      'https://github.com/BerriAI/litellm/issues/30835',
      'https://github.com/charmbracelet/crush/issues/1590',
      'https://github.com/langchain-ai/langchain/pull/24668',
      'https://github.com/nearai/ironclaw/issues/1241',
      'https://github.com/partITech/php-mistral/issues/76',
    ],
  },
};
