// What one attempt is expected to draw from a provider's token bucket: the prompt (estimated at
// four characters a token, the providers' own rule of thumb) plus the most it may generate.
// The estimate only has to be close: admission re-syncs with the provider's remaining count on
// every response, so an error is bounded by what is in flight, not carried forward.
import type { ChatRequest, EmbeddingRequest } from '../../core/types.ts';
import type { AdmissionDemand } from './admission.ts';

const CHARS_PER_TOKEN = 4;

export function chatDemand(request: ChatRequest): AdmissionDemand {
  let chars = 0;
  for (const message of request.messages) chars += textLength(message.content);
  // Unvalidated here (a malformed tool is the provider's to refuse): never throw while estimating.
  for (const tool of request.tools ?? []) chars += JSON.stringify(tool?.function ?? '')?.length ?? 0;
  const extra = request.extra_body as { max_completion_tokens?: unknown } | undefined;
  const output = request.max_tokens ?? (typeof extra?.max_completion_tokens === 'number' ? extra.max_completion_tokens : 0);
  return { tokens: Math.ceil(chars / CHARS_PER_TOKEN) + Math.max(0, Number.isFinite(output) ? output : 0) };
}

export function embeddingDemand(request: EmbeddingRequest): AdmissionDemand {
  const chars = request.input.reduce((sum, text) => sum + (typeof text === 'string' ? text.length : 0), 0);
  return { tokens: Math.ceil(chars / CHARS_PER_TOKEN) };
}

function textLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const part of content) {
    const text = (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') length += text.length;
  }
  return length;
}
