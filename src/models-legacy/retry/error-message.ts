import { asRecord } from '../canonical/json-value.ts';

export interface ErrorBody {
  /** The provider's human-readable message, whitespace-collapsed; undefined when the body is empty. */
  message?: string;
  /** `error.code` when the body has one (OpenAI `context_length_exceeded`, vLLM integer codes). */
  code?: unknown;
  /** `error.type` when the body has one (llama.cpp `exceed_context_size_error`). */
  type?: unknown;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A field that is empty or only whitespace holds no message: the search moves on to the next. */
function messageText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

// Envelopes differ even among OpenAI-compatible servers: OpenAI/Anthropic `error.message`, vLLM's
// old top-level `message`, Bedrock IAM's capital `Message`, NIM's RFC 7807 `detail`, plain text.
export function extractErrorMessage(bodyText: string): ErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const root = asRecord(parsed);
  const error = asRecord(root?.error);
  const found =
    messageText(error?.message) ?? messageText(root?.message) ?? messageText(root?.Message) ?? messageText(root?.detail) ?? bodyText;
  const message = collapse(found);
  const out: ErrorBody = {};
  if (message) out.message = message;
  if (error && error.code !== undefined) out.code = error.code;
  if (error && error.type !== undefined) out.type = error.type;
  return out;
}

/** The form every phrase rule matches against: curly apostrophes straightened, spaces collapsed, lower case. */
export function normalizeErrorText(text: string): string {
  return collapse(text.replace(/[\u2018\u2019]/g, "'")).toLowerCase();
}
