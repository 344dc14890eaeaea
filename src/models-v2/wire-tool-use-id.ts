// Tool-call ids cross providers inside a history (Kimi on Bedrock answers
// `functions.get_temperature:0`), yet Anthropic accepts only ^[a-zA-Z0-9_-]+$ for tool_use ids and
// Bedrock only ^[a-zA-Z0-9_.:-]+$ of at most 64 characters. An id the provider would refuse is
// sent as a deterministic stand-in, the same for a call and its result, so the conversation stays
// consistent: disallowed characters replaced by `_`, cut to fit, then `_` + 8 hex of sha256(id).
import { createHash } from 'node:crypto';

interface IdPattern {
  readonly valid: RegExp;
  readonly invalidChars: RegExp;
  readonly maxLength: number;
}

const ANTHROPIC: IdPattern = { valid: /^[a-zA-Z0-9_-]+$/, invalidChars: /[^a-zA-Z0-9_-]/g, maxLength: Infinity };
const BEDROCK: IdPattern = { valid: /^[a-zA-Z0-9_.:-]+$/, invalidChars: /[^a-zA-Z0-9_.:-]/g, maxLength: 64 };

function wireId(id: string, pattern: IdPattern): string {
  if (id.length <= pattern.maxLength && pattern.valid.test(id)) return id;
  const suffix = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${id.replace(pattern.invalidChars, '_').slice(0, pattern.maxLength - 9)}_${suffix}`;
}

export const anthropicToolUseId = (id: string): string => wireId(id, ANTHROPIC);
export const bedrockToolUseId = (id: string): string => wireId(id, BEDROCK);
