// docs/engine-rules.md, "Canonical request contract" (issue 24): `null` on an optional canonical
// field means unset, `stop: []` is unset, a non-string stop entry or a text part without string
// text is refused, and parts a provider cannot take in a role are refused, never dropped.
import { type ChatRequest, OPTIONAL_CHAT_FIELDS } from '../../core/types.ts';
import { isRecord, type JsonRecord } from './json-value.ts';
import { badRequest, unsupportedCapability } from './request-input-error.ts';

const OPTIONAL_REQUEST_FIELDS: ReadonlySet<string> = new Set(OPTIONAL_CHAT_FIELDS);
const OPTIONAL_ASSISTANT_FIELDS = ['tool_calls', 'reasoning_content', 'thinking_blocks'];
const OPTIONAL_TOOL_FIELDS = ['description', 'parameters', 'strict'];

function withoutNullKeys(record: JsonRecord, keys: Iterable<string>): JsonRecord {
  const out = { ...record };
  for (const key of keys) if (out[key] === null) delete out[key];
  return out;
}

function withoutNullPartKeys(part: unknown): unknown {
  if (!isRecord(part)) return part;
  let out = part.cache_control === null ? withoutNullKeys(part, ['cache_control']) : part;
  if (isRecord(out.image_url) && out.image_url.detail === null) out = { ...out, image_url: withoutNullKeys(out.image_url, ['detail']) };
  return out;
}

function withoutNullMessageKeys(message: unknown): unknown {
  if (!isRecord(message)) return message;
  const out = message.role === 'assistant' ? withoutNullKeys(message, OPTIONAL_ASSISTANT_FIELDS) : { ...message };
  if (out.thinking_blocks !== undefined) out.thinking_blocks = withoutNullSignatures(out.thinking_blocks);
  if (Array.isArray(out.content)) out.content = out.content.map(withoutNullPartKeys);
  return out;
}

function withoutNullToolKeys(tool: unknown): unknown {
  if (!isRecord(tool) || !isRecord(tool.function)) return tool;
  return { ...tool, function: withoutNullKeys(tool.function, OPTIONAL_TOOL_FIELDS) };
}

function checkedStop(stop: unknown): unknown {
  if (stop === undefined || typeof stop === 'string') return stop;
  if (!Array.isArray(stop)) {
    throw badRequest(
      `stop must be a string or an array of strings, got ${JSON.stringify(stop)}`,
      'Pass stop as a string or a list of strings, or leave it unset.',
    );
  }
  stop.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string') {
      throw badRequest(
        `stop[${i}] is ${JSON.stringify(entry) ?? String(entry)}, not a string`,
        'Give every stop sequence as a string, or remove that entry.',
      );
    }
  });
  return stop.length === 0 ? undefined : stop;
}

function checkTextParts(messages: unknown[]): void {
  messages.forEach((message, i) => {
    const content = isRecord(message) ? message.content : undefined;
    if (!Array.isArray(content)) return;
    content.forEach((part: unknown, j) => {
      if (isRecord(part) && part.type === 'text' && typeof part.text !== 'string') {
        throw badRequest(
          `messages[${i}].content[${j}] is a text part without a string text`,
          'Give every text part a "text" string, or remove the part.',
        );
      }
    });
  });
}

const TOOL_CHOICE_WORDS = new Set(['auto', 'required', 'none']);

function isThinkingBlock(block: unknown): boolean {
  if (!isRecord(block)) return false;
  if (block.type === 'redacted_thinking') return typeof block.data === 'string';
  const signed = block.signature === undefined || typeof block.signature === 'string';
  return block.type === 'thinking' && typeof block.thinking === 'string' && signed;
}

function refuseShape(field: string, expected: string, value: unknown): never {
  const shown = JSON.stringify(value) ?? String(value);
  throw badRequest(`${field} must be ${expected}, got ${shown}`, `Pass ${field} as ${expected}, or leave it unset.`);
}

// Fields whose wrong type would otherwise crash translation (a TypeError) or vanish silently.
function checkShapes(request: JsonRecord): void {
  if (request.tools !== undefined) {
    if (!Array.isArray(request.tools)) refuseShape('tools', 'a list of tool definitions', request.tools);
    request.tools.forEach((tool: unknown, i) => {
      const fn = isRecord(tool) ? tool.function : undefined;
      if (!isRecord(fn)) refuseShape(`tools[${i}]`, 'a {"type": "function", "function": {...}} definition', tool);
      const at = `tools[${i}].function`;
      if (fn.parameters !== undefined && !isRecord(fn.parameters)) refuseShape(`${at}.parameters`, 'a JSON schema object', fn.parameters);
      if (fn.description !== undefined && typeof fn.description !== 'string') refuseShape(`${at}.description`, 'a string', fn.description);
      if (fn.strict !== undefined && typeof fn.strict !== 'boolean') refuseShape(`${at}.strict`, 'a boolean', fn.strict);
    });
  }
  const choice = request.tool_choice;
  const namedChoice = isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string';
  if (choice !== undefined && !(typeof choice === 'string' && TOOL_CHOICE_WORDS.has(choice)) && !namedChoice) {
    refuseShape('tool_choice', '"auto", "required", "none" or {"type": "function", "function": {"name": "..."}}', choice);
  }
  // These two carry credentials: the refusal says what type was given, never the value.
  for (const field of ['extra_body', 'extra_headers'] as const) {
    const value = request[field];
    if (value === undefined || isRecord(value)) continue;
    const given = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw badRequest(`${field} must be an object, got ${given}`, `Pass ${field} as an object of names to values, or leave it unset.`);
  }
  if (!Array.isArray(request.messages)) return;
  request.messages.forEach((message: unknown, i) => {
    if (!isRecord(message) || message.role !== 'assistant') return;
    const { content, tool_calls: calls, thinking_blocks: blocks, reasoning_content: reasoning } = message;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      refuseShape(`messages[${i}].content`, 'a string, null or a list of text parts', content);
    }
    if (reasoning !== undefined && typeof reasoning !== 'string') refuseShape(`messages[${i}].reasoning_content`, 'a string', reasoning);
    if (calls !== undefined) {
      if (!Array.isArray(calls)) refuseShape(`messages[${i}].tool_calls`, 'a list of tool calls', calls);
      calls.forEach((call: unknown, j) => {
        if (!isRecord(call)) refuseShape(`messages[${i}].tool_calls[${j}]`, 'a tool call object', call);
      });
    }
    if (blocks !== undefined) {
      if (!Array.isArray(blocks)) refuseShape(`messages[${i}].thinking_blocks`, 'a list of thinking blocks', blocks);
      blocks.forEach((block: unknown, j) => {
        if (!isThinkingBlock(block)) {
          const wanted = '{"type": "thinking", "thinking", "signature"?} or {"type": "redacted_thinking", "data"}';
          refuseShape(`messages[${i}].thinking_blocks[${j}]`, wanted, block);
        }
      });
    }
  });
}

function withoutNullSignatures(blocks: unknown): unknown {
  if (!Array.isArray(blocks)) return blocks;
  return blocks.map((block: unknown) => (isRecord(block) && block.signature === null ? withoutNullKeys(block, ['signature']) : block));
}

/** The request with every null optional field removed (as if absent); stop and text parts checked. */
export function canonicalChatRequest(request: ChatRequest): ChatRequest {
  if (!isRecord(request)) return request;
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(request)) if (!(value === null && OPTIONAL_REQUEST_FIELDS.has(key))) out[key] = value;
  if (Array.isArray(out.messages)) {
    out.messages = out.messages.map(withoutNullMessageKeys);
    checkTextParts(out.messages as unknown[]);
  }
  if (Array.isArray(out.tools)) out.tools = out.tools.map(withoutNullToolKeys);
  checkShapes(out);
  const stop = checkedStop(out.stop);
  if (stop === undefined) delete out.stop;
  else out.stop = stop;
  return out as unknown as ChatRequest;
}

/** Blank = empty or whitespace only; Anthropic and Bedrock refuse such text blocks. */
export function isBlankText(text: unknown): boolean {
  return typeof text !== 'string' || text.trim() === '';
}

/**
 * Refuses a part whose type the provider cannot take in that message's role (a `file` part in a
 * system or tool message, say), naming the message, the part and the type.
 */
export function refuseUntakeableParts(
  messages: readonly unknown[],
  takes: (role: string, type: string) => boolean,
  providerLabel: string,
): void {
  messages.forEach((message, i) => {
    if (!isRecord(message) || !Array.isArray(message.content)) return;
    const role = String(message.role);
    message.content.forEach((part: unknown, j) => {
      const type = isRecord(part) ? String(part.type) : typeof part;
      if (takes(role, type)) return;
      throw unsupportedCapability(
        `messages[${i}].content[${j}] is a '${type}' part in a ${role} message, which ${providerLabel} cannot take there`,
        role === 'user'
          ? 'Send text and image_url parts only, or use an OpenAI-compatible provider that accepts this part type.'
          : `Send ${role} content as text (put documents in a user message where the provider takes them).`,
      );
    });
  });
}

/** Tool names in the history follow the same provider rule as tool definitions. */
export function checkHistoryToolNames(request: ChatRequest, pattern: RegExp, rule: string, providerLabel: string): void {
  const refuse = (where: string, name: string): never => {
    throw badRequest(
      `${where} names the tool ${JSON.stringify(name)}, which does not match ${providerLabel}'s rule ${rule}`,
      `Rename the tool to letters, digits, "_" and "-" only (for example "${name.replace(/[^a-zA-Z0-9_-]/g, '_')}") in the history too.`,
    );
  };
  request.messages.forEach((message, i) => {
    if (message.role !== 'assistant') return;
    for (const call of message.tool_calls ?? []) {
      if (!pattern.test(call.function.name)) refuse(`message ${i} (assistant) has a tool call that`, call.function.name);
    }
  });
  const choice = request.tool_choice;
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string' && !pattern.test(choice.function.name)) {
    refuse('tool_choice', choice.function.name);
  }
}
