// docs/engine-rules.md, "Canonical request contract", tool-call ids: within one request each call
// gets a wire id no earlier call has (Anthropic refuses repeated tool_use ids), and each tool
// result the wire id of the call it answers. Ids are opaque: what must survive is the pairing.
import { providerToolUseId, type ToolUseIdRule } from './provider-tool-use-id.ts';

interface OpenCall {
  canonical: string;
  wire: string;
}

export class ToolUseIdPairing {
  readonly #rule: ToolUseIdRule;
  readonly #taken = new Set<string>();
  readonly #latest = new Map<string, string>();
  #open: OpenCall[] = [];

  constructor(rule: ToolUseIdRule) {
    this.#rule = rule;
  }

  /** Every assistant message starts a new set of calls for the tool messages after it to answer. */
  startAssistantTurn(): void {
    this.#open = [];
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
    return wire;
  }

  resultId(toolCallId: string): string {
    const k = this.#open.findIndex((open) => open.canonical === toolCallId);
    if (k >= 0) return this.#open.splice(k, 1)[0]!.wire;
    return this.#latest.get(toolCallId) ?? providerToolUseId(toolCallId, this.#rule);
  }
}
