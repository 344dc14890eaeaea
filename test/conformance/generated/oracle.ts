// The oracle of the generated request suite (docs/engine-rules.md, "Generated conformance"). It
// reads only the canonical request, the bodies that reached the wire and the error thrown — never
// the engines' code — and says which outcome a call had and every rule it broke:
//   (a) sent: each body valid for the provider's definition (../shared/api-specs through the
//       existing judges), for the provider rules a definition cannot express, and conserving the
//       request's content (every non-blank text, image, document, tool call, result and pairing,
//       tool definition, strict flag and set sampling value is in the body);
//   (b) refused: a typed error from src/core/errors, before any request, naming what to change.
// Anything else is a violation with its kind. Parity: both engines reach the same outcome kind,
// the same error class, and semantically equal bodies (src/parity's canonical JSON).
import type { EngineName } from '../../../src/core/model-client.ts';
import type { ChatRequest, ProviderType } from '../../../src/core/types.ts';
import { canonicalJson, diffJson } from '../../../src/parity/json-diff.ts';
import { REPLAY_API_KEY } from '../../../src/testing/run-fixture.ts';
import { CLIENT_ERROR_CLASSES } from '../../contract/support.ts';
import type { CapturedBody } from '../capture-bodies.ts';
import { judgeRequest, type Validators } from '../judge-request.ts';
import { HEADER_SECRET } from './arbitraries.ts';
import type { CallResult } from './wire-rig.ts';

export interface Finding {
  kind: string;
  message: string;
}

export interface Judgement {
  /** `sent`, `refused:<ErrorClass>`, `unmapped:<Name>`. */
  outcome: string;
  findings: Finding[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBlank = (s: unknown): boolean => typeof s === 'string' && s.trim() === '';
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** Patterns the oracle takes from the definitions themselves, not from src/core. */
export interface OracleRules {
  /** Anthropic `Tool.name` pattern (CreateMessageParams → Tool). */
  anthropicToolName: RegExp;
}

export function oracleRules(anthropicSpec: Json): OracleRules {
  const tool = ((anthropicSpec.components as Json).schemas as Json).Tool as { properties: { name: { pattern: string } } };
  return { anthropicToolName: new RegExp(tool.properties.name.pattern) };
}

// ---- what the canonical request holds ------------------------------------------------------

interface CanonicalCall {
  message: number;
  id: string;
  name: string;
  args: string;
}

interface Inventory {
  texts: { where: string; text: string }[];
  images: { where: string; needle: string }[];
  files: { where: string; needle: string }[];
  calls: CanonicalCall[];
  results: { message: number; id: string }[];
  signedThinking: { where: string; needle: string }[];
}

function inventory(request: ChatRequest): Inventory {
  const inv: Inventory = { texts: [], images: [], files: [], calls: [], results: [], signedThinking: [] };
  const parts = (content: unknown, where: string): void => {
    if (typeof content === 'string') {
      if (!isBlank(content)) inv.texts.push({ where, text: content });
      return;
    }
    if (!Array.isArray(content)) return;
    content.forEach((part: Json, j) => {
      const at = `${where}.content[${j}]`;
      if (part?.type === 'text' && typeof part.text === 'string' && !isBlank(part.text)) inv.texts.push({ where: at, text: part.text });
      if (part?.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
        const url = part.image_url.url;
        inv.images.push({ where: at, needle: url.startsWith('data:') ? url.slice(url.indexOf(',') + 1) : url });
      }
      if (part?.type === 'file' && isObject(part.file)) {
        const data = part.file.file_data;
        const needle = typeof data === 'string' ? data.slice(data.indexOf(',') + 1) : String(part.file.file_id);
        inv.files.push({ where: at, needle });
      }
    });
  };
  request.messages.forEach((message, i) => {
    const m = message as unknown as Json;
    const where = `messages[${i}] (${String(m.role)})`;
    parts(m.content, where);
    if (m.role === 'assistant') {
      const calls = (Array.isArray(m.tool_calls) ? m.tool_calls : []) as { id: string; function: { name: string; arguments: string } }[];
      for (const call of calls) {
        inv.calls.push({ message: i, id: call.id, name: call.function?.name, args: call.function?.arguments });
      }
      for (const block of (Array.isArray(m.thinking_blocks) ? m.thinking_blocks : []) as Json[]) {
        if (block.type === 'redacted_thinking') inv.signedThinking.push({ where, needle: String(block.data) });
        else if (typeof block.signature === 'string' && !isBlank(block.thinking)) {
          inv.signedThinking.push({ where, needle: String(block.thinking) });
        }
      }
    }
    if (m.role === 'tool') inv.results.push({ message: i, id: String(m.tool_call_id) });
  });
  return inv;
}

// ---- what a body holds -------------------------------------------------------------------

function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) leaves(v, out);
  return out;
}

interface WireCall {
  message: number;
  id: string;
  name: string;
  input: unknown;
}

interface WireShape {
  calls: WireCall[];
  results: { message: number; id: string }[];
  tools: { name: unknown; strict: unknown }[];
  /** Mapped sampling values. */
  sampling: Record<'temperature' | 'top_p' | 'max_tokens' | 'stop', unknown>;
}

function wireShape(provider: ProviderType, body: Json): WireShape {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Json[];
  const calls: WireCall[] = [];
  const results: WireShape['results'] = [];
  messages.forEach((message, i) => {
    if (provider === 'openai') {
      for (const call of (Array.isArray(message.tool_calls) ? message.tool_calls : []) as Json[]) {
        const fn = (call.function ?? {}) as Json;
        calls.push({ message: i, id: String(call.id), name: String(fn.name), input: fn.arguments });
      }
      if (message.role === 'tool') results.push({ message: i, id: String(message.tool_call_id) });
      return;
    }
    for (const block of (Array.isArray(message.content) ? message.content : []) as Json[]) {
      if (provider === 'anthropic' && block.type === 'tool_use') {
        calls.push({ message: i, id: String(block.id), name: String(block.name), input: block.input });
      }
      if (provider === 'anthropic' && block.type === 'tool_result') results.push({ message: i, id: String(block.tool_use_id) });
      if (provider === 'bedrock' && isObject(block.toolUse)) {
        calls.push({ message: i, id: String(block.toolUse.toolUseId), name: String(block.toolUse.name), input: block.toolUse.input });
      }
      if (provider === 'bedrock' && isObject(block.toolResult)) results.push({ message: i, id: String(block.toolResult.toolUseId) });
    }
  });
  let tools: WireShape['tools'] = [];
  const listed = (Array.isArray(body.tools) ? body.tools : []) as Json[];
  if (provider === 'openai') tools = listed.map((t) => ({ name: (t.function as Json)?.name, strict: (t.function as Json)?.strict }));
  if (provider === 'anthropic') tools = listed.map((t) => ({ name: t.name, strict: t.strict }));
  const toolConfig = body.toolConfig as Json | undefined;
  if (provider === 'bedrock' && Array.isArray(toolConfig?.tools)) {
    tools = (toolConfig.tools as Json[]).map((t) => ({ name: (t.toolSpec as Json)?.name, strict: (t.toolSpec as Json)?.strict }));
  }
  const inference = (body.inferenceConfig ?? {}) as Json;
  const sampling =
    provider === 'bedrock'
      ? { temperature: inference.temperature, top_p: inference.topP, max_tokens: inference.maxTokens, stop: inference.stopSequences }
      : {
          temperature: body.temperature,
          top_p: body.top_p,
          max_tokens: body.max_tokens,
          stop: provider === 'anthropic' ? body.stop_sequences : body.stop,
        };
  return { calls, results, tools, sampling };
}

// ---- provider rules a definition cannot express ------------------------------------------

function blankTextFindings(provider: ProviderType, body: Json, out: Finding[]): void {
  const flag = (where: string, value: unknown) => {
    const message = `${where}: blank text ${show(value)} (${provider} refuses empty or whitespace-only text)`;
    out.push({ kind: 'rule:non-blank-text', message });
  };
  const system = (Array.isArray(body.system) ? body.system : []) as Json[];
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Json[];
  if (provider === 'anthropic') {
    system.forEach((b, j) => b?.type === 'text' && isBlank(b.text) && flag(`$.system[${j}]`, b.text));
    messages.forEach((message, i) => {
      if (isBlank(message.content) && message.content !== '') flag(`$.messages[${i}].content`, message.content);
      const finalUser = i === messages.length - 1 && message.role !== 'assistant';
      if (message.content === '' && finalUser) flag(`$.messages[${i}].content`, message.content);
      const blocks = (Array.isArray(message.content) ? message.content : []) as Json[];
      blocks.forEach((block, j) => {
        if (block?.type === 'text' && isBlank(block.text)) flag(`$.messages[${i}].content[${j}]`, block.text);
        if (block?.type === 'tool_result' && Array.isArray(block.content)) {
          (block.content as Json[]).forEach((inner, k) => {
            if (inner?.type === 'text' && isBlank(inner.text)) flag(`$.messages[${i}].content[${j}].content[${k}]`, inner.text);
          });
        }
      });
    });
  }
  if (provider === 'bedrock') {
    system.forEach((b, j) => 'text' in (b ?? {}) && isBlank(b.text) && flag(`$.system[${j}].text`, b.text));
    messages.forEach((message, i) => {
      ((Array.isArray(message.content) ? message.content : []) as Json[]).forEach((block, j) => {
        if (isObject(block) && 'text' in block && isBlank(block.text)) flag(`$.messages[${i}].content[${j}].text`, block.text);
      });
    });
  }
}

function toolPairingFindings(provider: ProviderType, body: Json, shape: WireShape, rules: OracleRules, out: Finding[]): void {
  if (provider === 'openai') return;
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Json[];
  if (provider === 'anthropic') {
    const seen = new Map<string, number>();
    for (const call of shape.calls) {
      if (seen.has(call.id)) {
        const message = `$.messages[${call.message}]: tool_use id ${show(call.id)} already used in $.messages[${seen.get(call.id)}]`;
        out.push({ kind: 'rule:unique-tool-use-id', message });
      } else seen.set(call.id, call.message);
      if (!rules.anthropicToolName.test(call.name)) {
        const message = `$.messages[${call.message}]: tool_use name ${show(call.name)} is outside ${rules.anthropicToolName.source}`;
        out.push({ kind: 'rule:history-tool-name', message });
      }
    }
  }
  // Results right after their calls: each result answers a call of the turn just before, and a
  // turn with calls is followed by a turn answering all of them.
  for (const result of shape.results) {
    const before = shape.calls.filter((c) => c.message === result.message - 1).map((c) => c.id);
    if (!before.includes(result.id)) {
      const message = `$.messages[${result.message}]: tool result for ${show(result.id)} does not answer a call of the turn before`;
      out.push({ kind: 'rule:result-after-call', message });
    }
  }
  const withCalls = new Set(shape.calls.map((c) => c.message));
  for (const i of withCalls) {
    if (i === messages.length - 1) continue;
    const answered = new Set(shape.results.filter((r) => r.message === i + 1).map((r) => r.id));
    for (const call of shape.calls.filter((c) => c.message === i)) {
      if (!answered.has(call.id)) {
        const message = `$.messages[${i}]: tool call ${show(call.id)} has no result in the next turn`;
        out.push({ kind: 'rule:call-answered-next', message });
      }
    }
  }
}

// ---- content conservation ----------------------------------------------------------------

const SAMPLING_KEYS = ['temperature', 'top_p', 'max_tokens'] as const;
const NULLABLE_KEYS = [
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'max_tokens',
  'stop',
  'seed',
  'response_format',
  'n',
  'frequency_penalty',
  'presence_penalty',
  'extra_body',
] as const;

function parsedArguments(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return undefined;
  }
}

function conservationFindings(provider: ProviderType, request: ChatRequest, bodies: Json[], out: Finding[]): void {
  const inv = inventory(request);
  const all = bodies.flatMap((b) => leaves(b));
  const present = (needle: string) => all.some((leaf) => leaf.includes(needle));
  const lost = (kind: string, what: string, items: { where: string; needle: string }[]) => {
    for (const item of items) {
      if (!present(item.needle)) out.push({ kind, message: `${item.where}: ${what} ${show(item.needle)} is not in the body` });
    }
  };
  lost(
    'loss:text',
    'text',
    inv.texts.map((t) => ({ where: t.where, needle: t.text })),
  );
  lost('loss:image', 'image', inv.images);
  lost('loss:file-part', 'file part', inv.files);
  if (provider === 'anthropic') lost('loss:thinking', 'signed/redacted thinking', inv.signedThinking);

  const body = bodies[0];
  const shape = wireShape(provider, body);
  // Tool calls: all of them, in order, same name and arguments.
  if (shape.calls.length !== inv.calls.length) {
    out.push({ kind: 'loss:tool-call', message: `${inv.calls.length} canonical tool calls, ${shape.calls.length} in the body` });
  } else {
    inv.calls.forEach((call, j) => {
      const wire = shape.calls[j];
      const at = `tool call ${j} (${show(call.id)})`;
      if (wire.name !== call.name) {
        out.push({ kind: 'loss:tool-call', message: `${at}: name ${show(call.name)} sent as ${show(wire.name)}` });
      }
      const same =
        provider === 'openai' ? wire.input === call.args : canonicalJson(wire.input) === canonicalJson(parsedArguments(call.args));
      if (!same) out.push({ kind: 'loss:tool-call', message: `${at}: arguments ${show(call.args)} sent as ${show(wire.input)}` });
    });
  }
  // Tool results: all of them, each paired with the call it answers (ids are opaque).
  if (shape.results.length !== inv.results.length) {
    out.push({ kind: 'loss:tool-result', message: `${inv.results.length} canonical tool results, ${shape.results.length} in the body` });
  } else if (shape.calls.length === inv.calls.length) {
    shape.results.forEach((result, k) => {
      const canonicalId = inv.results[k].id;
      const answersSomething = inv.calls.some((c) => c.id === canonicalId && c.message < inv.results[k].message);
      let j = -1;
      for (let x = shape.calls.length - 1; x >= 0; x -= 1) {
        if (shape.calls[x].id === result.id && shape.calls[x].message < result.message) {
          j = x;
          break;
        }
      }
      if (j < 0 && answersSomething) {
        const message = `tool result ${k} (canonical id ${show(canonicalId)}) answers no call in the body (wire id ${show(result.id)})`;
        out.push({ kind: 'loss:pairing', message });
      }
      if (j >= 0 && inv.calls[j].id !== canonicalId) {
        const message = `tool result ${k} answers call ${j} on the wire, whose canonical id is ${show(inv.calls[j].id)}, not ${show(canonicalId)}`;
        out.push({ kind: 'loss:pairing', message });
      }
    });
  }
  // Tool definitions and their strict flag.
  const tools = Array.isArray(request.tools) ? request.tools : [];
  if (tools.length > 0 && shape.tools.length !== tools.length) {
    out.push({ kind: 'loss:tool-definition', message: `${tools.length} tools in the request, ${shape.tools.length} in the body` });
  } else if (tools.length > 0) {
    tools.forEach((tool, i) => {
      if (tool.function?.strict === true && shape.tools[i].strict !== true) {
        const message = `tools[${i}] (${show(tool.function.name)}): strict: true is not carried (sent ${show(shape.tools[i].strict)})`;
        out.push({ kind: 'loss:strict', message });
      }
    });
  }
  // Set sampling values, unless extra_body replaced them.
  const extra = isObject(request.extra_body) ? request.extra_body : {};
  for (const key of SAMPLING_KEYS) {
    const value = request[key];
    const replaced = key in extra || (provider === 'bedrock' && 'inferenceConfig' in extra);
    if (typeof value !== 'number' || !Number.isFinite(value) || replaced) continue;
    if (shape.sampling[key] !== value) out.push({ kind: `loss:${key}`, message: `${key} ${value} sent as ${show(shape.sampling[key])}` });
  }
  const stops = typeof request.stop === 'string' ? [request.stop] : Array.isArray(request.stop) ? request.stop : [];
  const sentStop = shape.sampling.stop;
  const wireStops = typeof sentStop === 'string' ? [sentStop] : Array.isArray(sentStop) ? sentStop : [];
  for (const s of stops) {
    const kept = wireStops.includes(s) || 'stop' in extra;
    if (typeof s === 'string' && !isBlank(s) && !kept) out.push({ kind: 'loss:stop', message: `stop ${show(s)} is not sent` });
  }
  // null means unset (the canonical-request contract): never a null, never a [null].
  const requestRecord = request as unknown as Json;
  for (const key of NULLABLE_KEYS) {
    if (requestRecord[key] !== null) continue;
    const sent =
      provider === 'openai'
        ? key in body
        : [shape.sampling[key as keyof WireShape['sampling']], key === 'tool_choice' ? body.tool_choice : undefined].some(
            (v) => v === null || (Array.isArray(v) && v.includes(null)),
          );
    if (sent) out.push({ kind: 'rule:null-as-unset', message: `${key}: null (unset) reached the body` });
  }
}

// ---- the verdict on one call -------------------------------------------------------------

const NAMING = new RegExp(
  [
    '\\d',
    '[\'"`]',
    'message',
    'tool',
    'temperature',
    'top_p',
    'max_tokens',
    'stop',
    'seed',
    'response_format',
    '\\bn\\b',
    'penalty',
    'extra_body',
    'content',
    'image',
    'file',
    'role',
    'schema',
    'cache_control',
    'thinking',
    'media',
  ].join('|'),
  'i',
);

/** Spec problems at these keys concern a value the caller set and the provider ranges (engine-rules, Odd input). */
const CALLER_RANGED: Record<ProviderType, RegExp> = {
  openai: /^\$\.(temperature|top_p|n|seed|frequency_penalty|presence_penalty|stop|max_tokens)\b/,
  anthropic: /^\$\.(temperature|top_p|max_tokens|stop_sequences)\b/,
  bedrock: /^\$\.inferenceConfig\.(temperature|topP|maxTokens|stopSequences)\b/,
};

function callerRanged(provider: ProviderType, problem: string, request: ChatRequest): boolean {
  const match = CALLER_RANGED[provider].exec(problem);
  if (!match) return false;
  const field = { topP: 'top_p', maxTokens: 'max_tokens', stopSequences: 'stop', stop_sequences: 'stop' }[match[1]] ?? match[1];
  const value = (request as unknown as Json)[field];
  if (typeof value === 'number') return Number.isFinite(value);
  if (field === 'stop') return typeof value === 'string' || (Array.isArray(value) && value.every((s) => typeof s === 'string'));
  return false;
}

/** The service-enforced rules the existing judges add (anthropic-message-rules, converse-turn-rules). */
function ruleKind(problem: string): string | undefined {
  if (problem.startsWith('$.thinking')) return 'rule:thinking-budget';
  if (problem.includes('turn in a row')) return 'rule:role-alternation';
  if (problem.includes('empty content')) return 'rule:non-empty-content';
  if (problem.includes('tool result blocks and conversation blocks')) return 'rule:tool-results-alone';
  return undefined;
}

export function specKind(problem: string): string {
  // ajv writes `$.messages.3.content`, the Smithy judge `$.messages[3].content (Shape)`.
  const path = problem
    .split(/:? /)[0]
    .replace(/\.(\d+)(?=\.|$)/g, '[$1]')
    .replace(/\[\d+\]/g, '[*]');
  const segments = path.match(/\$|\.[^.[]+|\[\*\]/g) ?? [path];
  return `spec ${segments.slice(0, 4).join('')}`;
}

/** The replay API key and the credential-looking header value the generator sends. */
const SECRETS = [REPLAY_API_KEY, HEADER_SECRET];

export function judgeCall(request: ChatRequest, result: CallResult, validators: Validators, rules: OracleRules): Judgement {
  const findings: Finding[] = [];
  const errorText = [result.error?.message, ...(result.error?.causeChain ?? [])];
  for (const secret of SECRETS) {
    if (errorText.some((text) => text?.includes(secret))) {
      findings.push({ kind: 'secret-in-error', message: `${secret.slice(0, 6)}… appears in the error` });
    }
    if (result.requests.some((r) => leaves(r.body).some((leaf) => leaf.includes(secret)))) {
      findings.push({ kind: 'secret-in-body', message: `${secret.slice(0, 6)}… appears in a request body` });
    }
  }
  if (!result.ok) {
    const error = result.error!;
    if (!error.typed) {
      return { outcome: error.type, findings: [...findings, { kind: error.type, message: `${error.type}: ${error.message}` }] };
    }
    const outcome = `refused:${error.type}`;
    const add = (kind: string, message: string) => findings.push({ kind, message });
    if (!CLIENT_ERROR_CLASSES.has(error.type)) {
      add('refusal-class', `${error.type} is not a client error class (docs/contract.md "Errors"): ${error.message}`);
    }
    const sentCount = result.requests.length;
    if (sentCount > 0) add('refused-after-send', `${error.type} after ${sentCount} request(s) answered 2xx: ${error.message}`);
    if (!NAMING.test(error.message)) add('refusal-unnamed', `${error.type} does not name what to change: ${show(error.message)}`);
    return { outcome, findings };
  }
  if (result.requests.length !== 1) {
    findings.push({ kind: 'request-count', message: `one chat call sent ${result.requests.length} requests to a 2xx answer` });
    if (result.requests.length === 0) return { outcome: 'sent', findings };
  }
  const extraKeys = new Set(isObject(request.extra_body) ? Object.keys(request.extra_body) : []);
  for (const sent of result.requests) {
    if (!isObject(sent.body)) {
      findings.push({ kind: 'body-not-json', message: `${sent.path}: the body is not a JSON object` });
      continue;
    }
    const captured: CapturedBody = {
      source: 'generated',
      fixture: 'generated',
      provider: result.provider,
      operation: 'chat',
      model: request.model,
      engine: result.engine,
      path: sent.path,
      body: sent.body,
      extraBodyKeys: extraKeys,
    };
    const verdict = judgeRequest(captured, validators);
    for (const problem of verdict.violations) {
      if (callerRanged(result.provider, problem, request)) continue;
      // A thinking budget from extra_body (sent unvalidated, docs/contract.md "Provider translation") against the caller's own max_tokens: both theirs.
      if (problem.startsWith('$.thinking') && extraKeys.has('thinking') && typeof request.max_tokens === 'number') continue;
      findings.push({ kind: ruleKind(problem) ?? specKind(problem), message: problem });
    }
    blankTextFindings(result.provider, sent.body, findings);
    toolPairingFindings(result.provider, sent.body, wireShape(result.provider, sent.body), rules, findings);
  }
  const bodies = result.requests.map((r) => r.body).filter(isObject);
  if (bodies.length > 0) conservationFindings(result.provider, request, bodies, findings);
  return { outcome: 'sent', findings };
}

/** Both engines' outcomes for one case on one provider: same kind, same class, equal bodies. */
export function parityFindings(results: Partial<Record<EngineName, CallResult>>): Finding[] {
  const { legacy, v2 } = results;
  if (!legacy || !v2) return [];
  const kind = (r: CallResult) => (r.ok ? 'sent' : r.error!.typed ? 'refused' : 'unmapped');
  if (kind(legacy) !== kind(v2)) {
    const say = (r: CallResult) => (r.ok ? 'sent a body' : `${r.error!.type}: ${r.error!.message}`);
    return [{ kind: 'parity:outcome', message: `legacy ${say(legacy)}; v2 ${say(v2)}` }];
  }
  if (!legacy.ok && !v2.ok && legacy.error!.type !== v2.error!.type) {
    const message = `legacy ${legacy.error!.type}: ${legacy.error!.message}; v2 ${v2.error!.type}: ${v2.error!.message}`;
    return [{ kind: 'parity:error-class', message }];
  }
  if (legacy.ok && v2.ok) {
    const a = canonicalJson(legacy.requests.map((r) => ({ path: r.path.split('?')[0], body: r.body })));
    const b = canonicalJson(v2.requests.map((r) => ({ path: r.path.split('?')[0], body: r.body })));
    if (a !== b) {
      const diffs = diffJson(JSON.parse(a), JSON.parse(b));
      const first = diffs.slice(0, 3).map((d) => `${d.path}: legacy ${show(d.left)}, v2 ${show(d.right)}`);
      return [{ kind: 'parity:body', message: `bodies differ at ${diffs.length} place(s): ${first.join('; ')}` }];
    }
  }
  return [];
}
