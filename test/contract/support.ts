// Shared pieces of the contract suites: where things are, which engines exist, and what a
// canonical result may look like (docs/contract.md "Canonical types" and docs/contract.md "Errors"), written here independently of both engines.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fixture } from '../../src/testing/fixture.ts';
import { diffJson } from '../../src/testing/json-diff.ts';
import type { FixtureRun } from '../../src/testing/run-fixture.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES_DIR = resolve(REPO_ROOT, 'test/fixtures');
export { WIRE_CORPUS_DIR } from '../shared-reference.ts';

export { ENGINES } from '../../src/testing/engines.ts';

/** Below vitest's 20 s test timeout, so a hung engine is reported by the harness, not killed. */
export const RUN_TIMEOUT_MS = 15_000;

/**
 * The docs/contract.md "Errors" classes a ModelClient call may end in. ConfigError is left out on purpose: the
 * replay provider config is valid, so a ConfigError here means the engine could not be built.
 * ModelGenerationValidationFailureError is the facade's, never a client's.
 */
export const CLIENT_ERROR_CLASSES: ReadonlySet<string> = new Set([
  'ModelAuthenticationError',
  'ModelPermissionDeniedError',
  'ModelNotFoundError',
  'ModelContextWindowExceededError',
  'ModelUnsupportedParamsError',
  'ModelBadRequestError',
  'ModelUnprocessableEntityError',
  'ModelRateLimitError',
  'ModelQuotaExceededError',
  'ModelTimeoutError',
  'ModelInternalServerError',
  'ModelAPIConnectionError',
  'ModelAPIError',
  'ModelUnsupportedCapabilityError',
]);

// Never null (docs/contract.md "Canonical types"; engine-rules: a stop reason outside the map is tool_calls or stop).
const FINISH_REASONS = new Set(['stop', 'length', 'tool_calls', 'content_filter']);

export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkUsage(usage: unknown, keys: readonly string[], required: readonly string[], where: string, out: string[]): void {
  if (usage === undefined) return;
  if (!isObject(usage)) {
    out.push(`${where} is not an object: ${show(usage)}`);
    return;
  }
  for (const key of required) if (!(key in usage)) out.push(`${where}.${key} missing`);
  for (const [key, value] of Object.entries(usage)) {
    if (!keys.includes(key)) out.push(`${where}.${key} is not a canonical usage key`);
    else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) out.push(`${where}.${key} is not a count: ${show(value)}`);
  }
}

/** Problems with a chat response's shape (docs/contract.md "Canonical types" + engine-rules "Canonical response shape"). */
export function chatShapeProblems(response: unknown): string[] {
  const out: string[] = [];
  if (!isObject(response)) return [`response is not an object: ${show(response)}`];
  for (const key of Object.keys(response))
    if (!['id', 'model', 'choices', 'usage'].includes(key)) out.push(`response.${key} is not canonical`);
  for (const key of ['id', 'model']) if (key in response && typeof response[key] !== 'string') out.push(`response.${key} is not a string`);
  if (!Array.isArray(response.choices) || response.choices.length === 0)
    return [...out, `response.choices is not a non-empty array: ${show(response.choices)}`];
  response.choices.forEach((choice: unknown, i: number) => {
    const at = `choices[${i}]`;
    if (!isObject(choice)) return void out.push(`${at} is not an object`);
    if (choice.index !== i) out.push(`${at}.index is ${show(choice.index)}, expected ${i}`);
    if (!FINISH_REASONS.has(choice.finish_reason as string)) out.push(`${at}.finish_reason ${show(choice.finish_reason)} is not canonical`);
    const message = choice.message;
    if (!isObject(message)) return void out.push(`${at}.message is not an object`);
    for (const key of Object.keys(message)) {
      if (!['role', 'content', 'reasoning_content', 'tool_calls', 'thinking_blocks'].includes(key))
        out.push(`${at}.message.${key} is not canonical`);
    }
    if (message.role !== 'assistant') out.push(`${at}.message.role is ${show(message.role)}`);
    for (const key of ['content', 'reasoning_content']) {
      if (!(key in message)) out.push(`${at}.message.${key} missing (must be present, null when absent)`);
      else if (message[key] !== null && (typeof message[key] !== 'string' || message[key] === '')) {
        out.push(`${at}.message.${key} must be a non-empty string or null: ${show(message[key])}`);
      }
    }
    if ('tool_calls' in message) {
      const calls = message.tool_calls;
      if (!Array.isArray(calls) || calls.length === 0) out.push(`${at}.message.tool_calls present but not a non-empty array`);
      else
        calls.forEach((call: unknown, j: number) => {
          const c = isObject(call) ? call : {};
          const fn = isObject(c.function) ? c.function : {};
          if (typeof c.id !== 'string' || c.id === '') out.push(`${at}.message.tool_calls[${j}].id must be a non-empty string`);
          if (c.type !== 'function') out.push(`${at}.message.tool_calls[${j}].type must be "function"`);
          if (typeof fn.name !== 'string' || typeof fn.arguments !== 'string')
            out.push(`${at}.message.tool_calls[${j}].function must be {name, arguments} strings`);
        });
    }
    if ('thinking_blocks' in message) {
      const blocks = message.thinking_blocks;
      if (!Array.isArray(blocks) || blocks.length === 0) out.push(`${at}.message.thinking_blocks present but not a non-empty array`);
      else
        blocks.forEach((block: unknown, j: number) => {
          const b = isObject(block) ? block : {};
          const ok =
            (b.type === 'thinking' && typeof b.thinking === 'string' && (b.signature === undefined || typeof b.signature === 'string')) ||
            (b.type === 'redacted_thinking' && typeof b.data === 'string');
          if (!ok) out.push(`${at}.message.thinking_blocks[${j}] is not a thinking/redacted_thinking block: ${show(block)}`);
        });
    }
  });
  checkUsage(
    response.usage,
    ['prompt_tokens', 'completion_tokens', 'total_tokens', 'reasoning_tokens', 'cached_prompt_tokens'],
    ['prompt_tokens', 'completion_tokens', 'total_tokens'],
    'usage',
    out,
  );
  return out;
}

/** Problems with an embedding response's shape (docs/contract.md "Canonical types"). */
export function embeddingShapeProblems(response: unknown, inputCount: number): string[] {
  const out: string[] = [];
  if (!isObject(response)) return [`response is not an object: ${show(response)}`];
  for (const key of Object.keys(response)) if (!['data', 'usage', 'model'].includes(key)) out.push(`response.${key} is not canonical`);
  if (!Array.isArray(response.data)) return [...out, 'response.data is not an array'];
  if (response.data.length !== inputCount) out.push(`response.data has ${response.data.length} vectors for ${inputCount} inputs`);
  response.data.forEach((item: unknown, i: number) => {
    const d = isObject(item) ? item : {};
    if (d.index !== i) out.push(`data[${i}].index is ${show(d.index)}`);
    if (!Array.isArray(d.embedding) || d.embedding.length === 0 || !d.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      out.push(`data[${i}].embedding is not a non-empty array of finite numbers`);
    }
  });
  checkUsage(response.usage, ['prompt_tokens', 'total_tokens'], ['prompt_tokens', 'total_tokens'], 'usage', out);
  return out;
}

/** One line that says how a run ended, for failure messages. */
export function outcome(run: FixtureRun): string {
  const end = run.ok ? 'response' : `${run.error?.type}: ${run.error?.message}`;
  return `${run.engine}: ${end} after ${run.attempts} request(s), sleeps ${show(run.sleeps)}`;
}

/**
 * Optional `expect` fields this suite adds to the format (test/fixtures/README.md). The fixture
 * schema does not know them, so they are read from the file itself.
 */
export interface ExpectExtensions {
  /** `retryAfterMs` of the error finally thrown (the last response's parseable hint). */
  retryAfterMs?: number;
}

export function readExtensions(file: string): ExpectExtensions {
  const raw = JSON.parse(readFileSync(isAbsolute(file) ? file : resolve(REPO_ROOT, file), 'utf8')) as { expect?: ExpectExtensions };
  return { retryAfterMs: raw.expect?.retryAfterMs };
}

/**
 * Everything wrong with one engine's run of one bundled fixture; empty when it passes. `refused`
 * are the off-loopback connections the network guard stopped during the run.
 */
export function fixtureProblems(
  fixture: Fixture,
  run: FixtureRun,
  refused: readonly string[],
  extensions: ExpectExtensions = {},
): string[] {
  const problems: string[] = [];
  for (const where of refused) problems.push(`network: a connection to ${where} left the loopback`);
  if (run.error?.type.startsWith('Unmapped:')) problems.push(`crash: ${run.error.type}: ${run.error.message}`);

  // Recorded-vs-sent bodies, extra requests, unused exchanges, expect (subset), attempts, sleeps.
  for (const d of run.expectation.diffs) problems.push(`${d.path}: expected ${show(d.left)}, got ${show(d.right)}`);
  if (run.expectation.matches !== true && run.expectation.diffs.length === 0) {
    problems.push(`harness gave no verdict (matches = ${show(run.expectation.matches)})`);
  }

  // The bundled expectations are complete, so the response must equal them, key for key.
  const expected = fixture.expect;
  if (expected && 'response' in expected && run.ok) {
    for (const d of diffJson(expected.response, run.response, '$.response')) {
      problems.push(`exact ${d.path}: expected ${show(d.left)}, got ${show(d.right)}`);
    }
    const inputs = (fixture.request as { input?: unknown[] } | undefined)?.input ?? ['Hello'];
    const shape = fixture.operation === 'embedding' ? embeddingShapeProblems(run.response, inputs.length) : chatShapeProblems(run.response);
    for (const p of shape) problems.push(`shape: ${p}`);
  }

  // An HTTP failure carries the status of the response it was built from (docs/contract.md "Errors"), and the
  // compare CLI's parity includes it.
  if (expected && 'error' in expected && !run.ok && fixture.exchanges.length > 0 && run.attempts === fixture.exchanges.length) {
    const last = fixture.exchanges.at(-1)!.response.status;
    if (last >= 300 && run.error?.status !== last) problems.push(`error.status: expected ${last}, got ${show(run.error?.status)}`);
  }
  if (extensions.retryAfterMs !== undefined && run.error?.retryAfterMs !== extensions.retryAfterMs) {
    problems.push(`error.retryAfterMs: expected ${extensions.retryAfterMs}, got ${show(run.error?.retryAfterMs)}`);
  }
  return problems;
}

export type Exchange = Fixture['exchanges'][number];

/**
 * An exchange that fails its attempt: a status of 300 or more, or an OpenAI-compatible 2xx whose
 * JSON body reports a failure — an `error` and no answer list, or a choice the server interrupted
 * (engine-rules "A 2xx body decides", issue 30). Written from the rule, not from either engine.
 */
export function failedExchange(e: Exchange, provider: string, operation: string): boolean {
  if (e.response.status >= 300) return true;
  if (provider !== 'openai' || !isObject(e.response.body)) return false;
  const body = e.response.body;
  const answers = body[operation === 'embedding' ? 'data' : 'choices'];
  if (!Array.isArray(answers)) return isObject(body.error);
  return answers.some((c) => isObject(c) && (c.finish_reason === 'insufficient_system_resource' || c.finish_reason === 'error'));
}
