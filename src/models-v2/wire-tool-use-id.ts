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

/**
 * Wire ids for one request (engine-rules, "Canonical request contract"): unique per request, and
 * each tool result gets the id of the call it answers — the first unanswered call with its id in
 * the latest assistant message, else the latest call with that id.
 */
export class RequestToolUseIds {
  private readonly used = new Set<string>();
  private readonly lastWireId = new Map<string, string>();
  private unanswered: [canonical: string, wire: string][] = [];

  private readonly pattern: 'anthropic' | 'bedrock';

  constructor(pattern: 'anthropic' | 'bedrock') {
    this.pattern = pattern;
  }

  private stand(id: string): string {
    return wireId(id, this.pattern === 'anthropic' ? ANTHROPIC : BEDROCK);
  }

  assistantMessage(): void {
    this.unanswered = [];
  }

  forCall(id: unknown): string {
    const canonical = typeof id === 'string' ? id : '';
    const first = this.stand(canonical);
    const max = this.pattern === 'anthropic' ? ANTHROPIC.maxLength : BEDROCK.maxLength;
    let wire = first;
    let n = 1;
    while (this.used.has(wire)) {
      n += 1;
      const tail = `_${n}`;
      wire = `${first.slice(0, Math.min(first.length, max - tail.length))}${tail}`;
    }
    this.used.add(wire);
    this.lastWireId.set(canonical, wire);
    this.unanswered.push([canonical, wire]);
    return wire;
  }

  forResult(toolCallId: string): string {
    const at = this.unanswered.findIndex(([canonical]) => canonical === toolCallId);
    if (at >= 0) {
      const [[, wire]] = this.unanswered.splice(at, 1) as [[string, string]];
      return wire;
    }
    return this.lastWireId.get(toolCallId) ?? this.stand(toolCallId);
  }
}
