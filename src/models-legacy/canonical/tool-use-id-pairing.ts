// docs/engine-rules.md, "Canonical request contract", tool-call ids: within one request each call
// gets a wire id no earlier call has (Anthropic refuses repeated tool_use ids), and each tool
// result the wire id of the call it answers. Ids are opaque: what must survive is the pairing.
// Tool turns: Anthropic and Bedrock refuse a result that answers no call of the turn just before,
// and a turn of calls (unless it ends the conversation) whose next turn leaves one unanswered;
// checkTurns judges the built turns and names the canonical message and id instead.
import { providerToolUseId, type ToolUseIdRule } from './wire-tool-use-id.ts';
import { badRequest } from './request-input-error.ts';

interface OpenCall {
  canonical: string;
  wire: string;
}

interface CallRecord {
  message: number;
  canonical: string;
  /** 1 for the first call of its message with this canonical id, 2 for the second, … */
  nth: number;
}

interface ResultRecord {
  message: number;
  canonical: string;
}

/** The tool-call and tool-result wire ids of one built turn, in block order. */
export interface WireTurnIds {
  calls: string[];
  results: string[];
}

const ORDINALS = ['', 'first', 'second', 'third'];

export class ToolUseIdPairing {
  readonly #rule: ToolUseIdRule;
  readonly #taken = new Set<string>();
  readonly #latest = new Map<string, string>();
  readonly #calls = new Map<string, CallRecord>();
  readonly #results: ResultRecord[] = [];
  readonly #seen = new Map<string, number>();
  #open: OpenCall[] = [];
  #message = -1;

  constructor(rule: ToolUseIdRule) {
    this.#rule = rule;
  }

  /** Every assistant message starts a new set of calls for the tool messages after it to answer. */
  startAssistantTurn(messageIndex: number): void {
    this.#open = [];
    this.#message = messageIndex;
    this.#seen.clear();
  }

  callId(id: unknown): string {
    const canonical = typeof id === 'string' ? id : '';
    const base = providerToolUseId(canonical, this.#rule);
    let wire = base;
    for (let n = 2; this.#taken.has(wire); n += 1) {
      const suffix = `_${n}`;
      const room = this.#rule.maxLength - suffix.length;
      wire = (base.length > room ? base.slice(0, room) : base) + suffix;
    }
    this.#taken.add(wire);
    this.#latest.set(canonical, wire);
    this.#open.push({ canonical, wire });
    const nth = (this.#seen.get(canonical) ?? 0) + 1;
    this.#seen.set(canonical, nth);
    this.#calls.set(wire, { message: this.#message, canonical, nth });
    return wire;
  }

  resultId(toolCallId: string, messageIndex: number): string {
    this.#results.push({ message: messageIndex, canonical: toolCallId });
    const k = this.#open.findIndex((open) => open.canonical === toolCallId);
    if (k >= 0) return this.#open.splice(k, 1)[0]!.wire;
    return this.#latest.get(toolCallId) ?? providerToolUseId(toolCallId, this.#rule);
  }

  /**
   * Judges the built turns, in order: each result of a turn answers a call of the turn before it,
   * then every call of the turn before has a result in this one. A turn of calls that ends the
   * request is not judged (the conversation stops at the model's calls). Results are in the order
   * resultId saw them, which is their order in the turns.
   */
  checkTurns(turns: readonly WireTurnIds[], providerLabel: string): void {
    let r = 0;
    turns.forEach((turn, t) => {
      const before = t > 0 ? turns[t - 1]!.calls : [];
      for (const wire of turn.results) {
        const result = this.#results[r++];
        if (result !== undefined && !before.includes(wire)) this.#refuseOrphan(result, providerLabel);
      }
      for (const wire of before) {
        if (!turn.results.includes(wire)) this.#refuseUnanswered(this.#calls.get(wire), wire, providerLabel);
      }
    });
  }

  #refuseOrphan(result: ResultRecord, providerLabel: string): never {
    throw badRequest(
      `message ${result.message} (tool) answers tool call ${JSON.stringify(result.canonical)}, but the assistant turn just before it` +
        ` has no such call (${providerLabel} takes a tool result only right after the call it answers)`,
      `Remove message ${result.message}, or move it right after the assistant message whose tool_calls include that id.`,
    );
  }

  #refuseUnanswered(call: CallRecord | undefined, wire: string, providerLabel: string): never {
    const id = JSON.stringify(call?.canonical ?? wire);
    const ordinal = call !== undefined && call.nth > 1 ? (ORDINALS[call.nth] ?? `#${call.nth}`) : undefined;
    const which = ordinal !== undefined ? `its ${ordinal} tool call with id ${id}` : `tool call ${id}`;
    const message = call?.message ?? -1;
    throw badRequest(
      `message ${message} (assistant) has ${which}, but the turn after it has no result for that call` +
        ` (${providerLabel} requires a tool result for every call in the next turn)`,
      `Add a tool message answering that call right after message ${message} (one per call, repeated ids included), or remove the call.`,
    );
  }
}
