// An OpenAI-compatible 2xx whose body reports a failure (docs/engine-rules.md "A 2xx body decides",
// issue 30): OpenRouter's `{"error": {"code", "message"}}` in a 200 once the model started, and a
// choice the server cut off — DeepSeek's `insufficient_system_resource`, OpenRouter's `error`
// finish reason. Read inside the attempt, so the failure is retried like the status it stands for.
import { asRecord, nonEmptyString, type JsonRecord } from '../canonical/json-value.ts';

/** Finish reasons saying the server interrupted the generation (the answer is incomplete). */
const INTERRUPTED_FINISH_REASONS: ReadonlySet<string> = new Set(['insufficient_system_resource', 'error']);

export interface EmbeddedFailure {
  /** The embedded `error.code` when it is an HTTP error status (400–599): it classifies the failure. */
  status?: number;
  /** The finish reason that ended a choice early, when that is what failed. */
  interruptedBy?: string;
  /** The embedded `error.message`, when it has one. */
  message?: string;
}

function statusOf(error: JsonRecord | undefined): number | undefined {
  const code = error?.code;
  const status = typeof code === 'string' && /^\d{3}$/.test(code.trim()) ? Number(code) : code;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

/** `answers`: `choices` for chat, `data` for embeddings. Undefined when the body reports no failure. */
export function openAIEmbeddedFailure(body: unknown, answers: 'choices' | 'data'): EmbeddedFailure | undefined {
  const root = asRecord(body);
  if (!root) return undefined;
  const error = asRecord(root.error);
  const listed = root[answers];
  if (!Array.isArray(listed)) return error ? reported(error) : undefined;
  if (answers !== 'choices') return undefined;
  for (const entry of listed) {
    const choice = asRecord(entry);
    const reason = choice?.finish_reason;
    // The error may sit beside `choices` or in the interrupted choice itself.
    if (typeof reason === 'string' && INTERRUPTED_FINISH_REASONS.has(reason)) {
      return { ...reported(error ?? asRecord(choice?.error)), interruptedBy: reason };
    }
  }
  return undefined;
}

function reported(error: JsonRecord | undefined): EmbeddedFailure {
  return { status: statusOf(error), message: nonEmptyString(error?.message) };
}
