// Tool-call ids cross providers inside a history (Kimi on Bedrock answers
// `functions.get_temperature:0`), yet Anthropic accepts only ^[a-zA-Z0-9_-]+$ for tool_use ids and
// Bedrock only ^[a-zA-Z0-9_.:-]+$ of at most 64 characters. An id the provider would refuse is
// sent as a deterministic stand-in, the same for a call and its result, so the conversation stays
// consistent: disallowed characters replaced by `_`, cut to fit, then `_` + 8 hex of sha256(id).
import { createHash } from 'node:crypto';
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

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

/** Tool-use and tool-result ids of one built turn, in block order. */
export interface TurnToolIds {
  readonly uses: readonly string[];
  readonly results: readonly string[];
}

/**
 * Wire ids for one request (engine-rules, "Canonical request contract"): unique per request, and
 * each tool result gets the id of the call it answers — the first unanswered call with its id in
 * the latest assistant message, else the latest call with that id. `assertTurnsPaired` then refuses
 * what Anthropic and Bedrock would: a result answering no call of the turn before, or a turn of
 * calls (not the last turn) whose next turn leaves one of them without a result.
 */
export class RequestToolUseIds {
  private readonly used = new Set<string>();
  private readonly lastWireId = new Map<string, string>();
  private unanswered: [canonical: string, wire: string][] = [];
  private readonly origin = new Map<string, { message: number; id: string; repeat: number }>();
  private readonly resultOrigins: { message: number; id: string }[] = [];
  private assistantIndex = -1;
  private perMessage = new Map<string, number>();

  private readonly pattern: 'anthropic' | 'bedrock';

  constructor(pattern: 'anthropic' | 'bedrock') {
    this.pattern = pattern;
  }

  private stand(id: string): string {
    return wireId(id, this.pattern === 'anthropic' ? ANTHROPIC : BEDROCK);
  }

  assistantMessage(index: number): void {
    this.unanswered = [];
    this.assistantIndex = index;
    this.perMessage = new Map();
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
    const repeat = (this.perMessage.get(canonical) ?? 0) + 1;
    this.perMessage.set(canonical, repeat);
    this.origin.set(wire, { message: this.assistantIndex, id: canonical, repeat });
    return wire;
  }

  forResult(toolCallId: string, index: number): string {
    this.resultOrigins.push({ message: index, id: toolCallId });
    const at = this.unanswered.findIndex(([canonical]) => canonical === toolCallId);
    if (at >= 0) {
      const [[, wire]] = this.unanswered.splice(at, 1) as [[string, string]];
      return wire;
    }
    return this.lastWireId.get(toolCallId) ?? this.stand(toolCallId);
  }

  /** Judges the built turns in order; results must be in the order forResult gave their ids. */
  assertTurnsPaired(turns: readonly TurnToolIds[], subject: ErrorSubject): void {
    const provider = this.pattern === 'anthropic' ? 'Anthropic' : 'Bedrock Converse';
    let next = 0;
    for (let t = 0; t < turns.length; t += 1) {
      const previousUses = t === 0 ? [] : turns[t - 1].uses;
      for (const result of turns[t].results) {
        const origin = this.resultOrigins[next];
        next += 1;
        if (origin === undefined || previousUses.includes(result)) continue;
        throw badRequest(
          subject,
          `message ${origin.message} (tool) answers tool call ${JSON.stringify(origin.id)}, which is not a call of the ` +
            `assistant turn right before it (${provider} refuses a tool result that answers no call of the turn before)`,
          `Move message ${origin.message} right after the assistant message that made that call, or remove it.`,
        );
      }
      const answered = new Set(turns[t].results);
      const missing = previousUses.find((use) => !answered.has(use));
      if (missing === undefined) continue;
      const origin = this.origin.get(missing) ?? { message: -1, id: missing, repeat: 1 };
      const quoted = JSON.stringify(origin.id);
      const call = origin.repeat > 1 ? `call number ${origin.repeat} with id ${quoted}` : `call ${quoted}`;
      throw badRequest(
        subject,
        `message ${origin.message} (assistant) makes tool ${call}, and the turn after it has no result for it ` +
          `(${provider} needs a result for every call in the next turn)`,
        `Answer each call (repeated ids included) with its own tool message right after message ${origin.message}, or remove the call.`,
      );
    }
  }
}
