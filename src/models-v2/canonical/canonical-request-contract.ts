// The canonical-request contract (docs/engine-rules.md, issue 24) as v2 applies it before any
// translation: a null optional field is the field unset, an empty stop list is no stop list, and
// what no provider body could carry (a stop entry that is not text, a text part without text) or
// what this provider cannot take in a role (a document in a system prompt) is refused here.
import { type ChatRequest, OPTIONAL_CHAT_FIELDS } from '../../core/types.ts';
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

type Loose = Record<string, unknown>;

const REQUEST_KEYS_NULL_MEANS_UNSET: ReadonlySet<string> = new Set(OPTIONAL_CHAT_FIELDS);
const PART_KEYS: ReadonlySet<string> = new Set(['cache_control']);
const IMAGE_URL_KEYS: ReadonlySet<string> = new Set(['detail']);
const ASSISTANT_KEYS: ReadonlySet<string> = new Set(['tool_calls', 'reasoning_content', 'thinking_blocks']);
const THINKING_BLOCK_KEYS: ReadonlySet<string> = new Set(['signature']);
const TOOL_FUNCTION_KEYS: ReadonlySet<string> = new Set(['description', 'parameters', 'strict']);

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);

// Runs on every call, for the request, each message and each part: it walks the object's own few
// fields rather than probing each of the (many) keys the contract names.
function dropNulls(value: Loose, keys: ReadonlySet<string>): Loose {
  let found = false;
  for (const key in value) {
    if (value[key] === null && keys.has(key)) {
      found = true;
      break;
    }
  }
  if (!found) return value;
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => !(v === null && keys.has(key))));
}

function normalisedPart(part: unknown): unknown {
  if (!isObject(part)) return part;
  const out = dropNulls(part, PART_KEYS);
  return isObject(out.image_url) ? { ...out, image_url: dropNulls(out.image_url, IMAGE_URL_KEYS) } : out;
}

function normalisedMessage(message: unknown): unknown {
  if (!isObject(message)) return message;
  let out = message.role === 'assistant' ? dropNulls(message, ASSISTANT_KEYS) : message;
  if (Array.isArray(out.thinking_blocks)) {
    const blocks = out.thinking_blocks.map((block: unknown) => (isObject(block) ? dropNulls(block, THINKING_BLOCK_KEYS) : block));
    out = { ...out, thinking_blocks: blocks };
  }
  return Array.isArray(out.content) ? { ...out, content: out.content.map(normalisedPart) } : out;
}

function normalisedTool(tool: unknown): unknown {
  if (!isObject(tool) || !isObject(tool.function)) return tool;
  return { ...tool, function: dropNulls(tool.function, TOOL_FUNCTION_KEYS) };
}

function stopOf(stop: unknown, subject: ErrorSubject): string | string[] | undefined {
  if (stop === undefined || typeof stop === 'string') return stop;
  if (!Array.isArray(stop)) {
    throw badRequest(
      subject,
      `stop is ${JSON.stringify(stop)}, neither a string nor an array of strings`,
      'Pass stop as a string or a list of strings, or leave it unset.',
    );
  }
  const bad = stop.findIndex((entry: unknown) => typeof entry !== 'string');
  if (bad >= 0) {
    throw badRequest(
      subject,
      `stop[${bad}] is ${String(JSON.stringify(stop[bad]))}, not a string`,
      'Give every stop sequence as a string, or remove that entry.',
    );
  }
  return stop.length > 0 ? (stop as string[]) : undefined;
}

function wrongShape(subject: ErrorSubject, field: string, wanted: string, got: unknown): never {
  throw badRequest(subject, `${field} is ${String(JSON.stringify(got))}, not ${wanted}`, `Pass ${field} as ${wanted}, or leave it unset.`);
}

const isToolChoice = (choice: unknown): boolean =>
  choice === 'auto' ||
  choice === 'required' ||
  choice === 'none' ||
  (isObject(choice) && isObject(choice.function) && typeof choice.function.name === 'string');

const isThinkingBlock = (block: unknown): boolean =>
  isObject(block) &&
  ((block.type === 'thinking' &&
    typeof block.thinking === 'string' &&
    (block.signature === undefined || typeof block.signature === 'string')) ||
    (block.type === 'redacted_thinking' && typeof block.data === 'string'));

// A field of the wrong type would crash translation (TypeError) or be lost without a word.
function assertShapes(request: Loose, subject: ErrorSubject): void {
  const { tools, tool_choice: choice, extra_body: extraBody, extra_headers: extraHeaders } = request;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) wrongShape(subject, 'tools', 'a list of tool definitions', tools);
    for (const [i, tool] of tools.entries()) {
      const fn = isObject(tool) ? tool.function : undefined;
      if (!isObject(fn)) wrongShape(subject, `tools[${i}]`, 'a {"type": "function", "function": {...}} definition', tool);
      const field = (name: string): string => `tools[${i}].function.${name}`;
      const { parameters, description } = fn;
      if (parameters !== undefined && !isObject(parameters)) wrongShape(subject, field('parameters'), 'a JSON schema object', parameters);
      if (description !== undefined && typeof description !== 'string') wrongShape(subject, field('description'), 'a string', description);
      if (fn.strict !== undefined && typeof fn.strict !== 'boolean') wrongShape(subject, field('strict'), 'a boolean', fn.strict);
    }
  }
  if (choice !== undefined && !isToolChoice(choice)) {
    wrongShape(subject, 'tool_choice', '"auto", "required", "none" or {"type": "function", "function": {"name": "..."}}', choice);
  }
  // Both may hold credentials, so only the kind of value is named, never the value itself.
  for (const [field, value] of [
    ['extra_body', extraBody],
    ['extra_headers', extraHeaders],
  ] as const) {
    if (value === undefined || isObject(value)) continue;
    const kind = Array.isArray(value) ? 'an array' : typeof value;
    throw badRequest(subject, `${field} is ${kind}, not an object`, `Pass ${field} as an object, or leave it unset.`);
  }
  if (!Array.isArray(request.messages)) return;
  for (const [i, message] of request.messages.entries()) {
    if (!isObject(message) || message.role !== 'assistant') continue;
    const content = message.content;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      wrongShape(subject, `message ${i} content`, 'a string, null or a list of text parts', content);
    }
    if (message.reasoning_content !== undefined && typeof message.reasoning_content !== 'string') {
      wrongShape(subject, `message ${i} reasoning_content`, 'a string', message.reasoning_content);
    }
    const calls = message.tool_calls;
    if (calls !== undefined) {
      if (!Array.isArray(calls)) wrongShape(subject, `message ${i} tool_calls`, 'a list of tool calls', calls);
      const notCall = calls.findIndex((call: unknown) => !isObject(call));
      if (notCall >= 0) wrongShape(subject, `message ${i} tool_calls[${notCall}]`, 'a tool call object', calls[notCall]);
    }
    const blocks = message.thinking_blocks;
    if (blocks !== undefined) {
      if (!Array.isArray(blocks)) wrongShape(subject, `message ${i} thinking_blocks`, 'a list of thinking blocks', blocks);
      const bad = blocks.findIndex((block: unknown) => !isThinkingBlock(block));
      const wanted = 'a thinking block ({type, thinking, signature?} or {type: "redacted_thinking", data})';
      if (bad >= 0) wrongShape(subject, `message ${i} thinking_blocks[${bad}]`, wanted, blocks[bad]);
    }
  }
}

/** The request as the contract reads it; the caller's object is never changed. */
export function contractChatRequest(given: ChatRequest, subject: ErrorSubject): ChatRequest {
  if (!isObject(given)) return given;
  const request = dropNulls(given, REQUEST_KEYS_NULL_MEANS_UNSET);
  const out: Loose = { ...request };
  if (Array.isArray(request.messages)) {
    out.messages = request.messages.map(normalisedMessage);
    (out.messages as unknown[]).forEach((message, i) => {
      const content = isObject(message) ? message.content : undefined;
      if (!Array.isArray(content)) return;
      content.forEach((part: unknown, j) => {
        if (!isObject(part) || typeof part.type !== 'string') {
          throw badRequest(
            subject,
            `message ${i}, part ${j} is not a content part`,
            'Use parts of the form {"type": "text", "text": "..."} or {"type": "image_url", "image_url": {"url": "..."}}.',
          );
        }
        if (isObject(part) && part.type === 'text' && typeof part.text !== 'string') {
          throw badRequest(
            subject,
            `message ${i}, part ${j} is a text part whose text is not a string`,
            'Give every text part a "text" string, or remove the part.',
          );
        }
      });
    });
  }
  if (Array.isArray(request.tools)) out.tools = request.tools.map(normalisedTool);
  assertShapes(out, subject);
  const stop = stopOf(request.stop, subject);
  if (stop === undefined) delete out.stop;
  else out.stop = stop;
  return out as unknown as ChatRequest;
}

/** Empty or whitespace-only: Anthropic and Bedrock refuse such text. */
export const isBlank = (text: unknown): boolean => typeof text !== 'string' || text.trim().length === 0;

/** Tool names in the history (assistant calls, a named tool_choice) follow the tool-name rule. */
export function assertHistoryToolNames(request: ChatRequest, pattern: RegExp, rule: string, subject: ErrorSubject): void {
  const refuse = (where: string, name: string): never => {
    throw badRequest(
      subject,
      `${where} the tool name ${JSON.stringify(name)}, which does not match the provider's rule ${rule}`,
      `Rename the tool to letters, digits, "_" and "-" only (for example "${name.replace(/[^a-zA-Z0-9_-]/g, '_')}"), in the history too.`,
    );
  };
  request.messages.forEach((message, i) => {
    if (message.role !== 'assistant') return;
    for (const call of message.tool_calls ?? []) {
      if (!pattern.test(call.function.name)) refuse(`message ${i} (assistant) calls`, call.function.name);
    }
  });
  const choice = request.tool_choice;
  if (isObject(choice) && isObject(choice.function) && typeof choice.function.name === 'string' && !pattern.test(choice.function.name)) {
    refuse('tool_choice names', choice.function.name);
  }
}
