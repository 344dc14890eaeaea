import { createHash } from 'node:crypto';

// Tool-call ids travel between providers with a history (Kimi on Bedrock sends
// `functions.get_temperature:0`), but each provider restricts them: Anthropic's tool_use.id and
// tool_result.tool_use_id match ^[a-zA-Z0-9_-]+$, Bedrock's ToolUseId ^[a-zA-Z0-9_.:-]+$ with
// at most 64 characters. An id its provider would refuse is replaced, in the call and in its
// result alike, by the same deterministic stand-in (so a whole conversation stays consistent):
// every other character turned into `_`, cut to fit, then `_` + 8 hex of sha256(original id).
export interface ToolUseIdRule {
  allowed: RegExp;
  disallowedChar: RegExp;
  maxLength: number;
}

export const ANTHROPIC_TOOL_USE_ID: ToolUseIdRule = {
  allowed: /^[a-zA-Z0-9_-]+$/,
  disallowedChar: /[^a-zA-Z0-9_-]/g,
  maxLength: Number.POSITIVE_INFINITY,
};

export const BEDROCK_TOOL_USE_ID: ToolUseIdRule = {
  allowed: /^[a-zA-Z0-9_.:-]+$/,
  disallowedChar: /[^a-zA-Z0-9_.:-]/g,
  maxLength: 64,
};

export function providerToolUseId(id: string, rule: ToolUseIdRule): string {
  if (rule.allowed.test(id) && id.length <= rule.maxLength) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${id.replace(rule.disallowedChar, '_').slice(0, rule.maxLength - 9)}_${digest}`;
}
