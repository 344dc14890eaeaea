// A workload: canonical calls, each naming a model alias of a config. `npm run record` replays
// one against real endpoints to capture fixtures; `npm run compare -- --live` runs one through
// both engines. YAML or JSON: a list, or `{calls: [...]}`.
//
//   - name: weather-tool          # optional; default <alias>-<n>; the fixture file name
//     alias: small-chat           # a model alias of the config
//     request:                    # canonical request (docs/contract.md "Canonical types") without `model`; default "Hello"
//       messages: [{role: user, content: "What is the weather in Paris?"}]
import { extname } from 'node:path';
import { parseJsonText, parseYamlText } from '../../config/config-syntax.ts';
import { FILE_LIMITS, type FileReadError, readBoundedTextFile } from '../../config/read-bounded-file.ts';
import { z } from 'zod';
import { applyPrecedence } from '../../config/precedence.ts';
import { embeddingParams, sampleChatParams } from '../../config/sample-params.ts';
import type { DataDesignerConfig, ModelConfig, ModelProvider } from '../../config/schemas.ts';
import type { ChatRequest, EmbeddingRequest, Operation } from '../../core/types.ts';
import { UsageError } from '../compare/cli-options.ts';

const callSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name must be letters, digits, ".", "_" or "-" (it becomes a file name)')
    .optional(),
  alias: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'missing (a model alias of the config)' : 'must be a model alias of the config (a string)',
    })
    .min(1, 'alias must name a model of the config'),
  request: z.record(z.string(), z.unknown()).optional(),
});

const callsSchema = z.array(callSchema).min(1, 'the workload has no calls');
const wrappedSchema = z.strictObject({ calls: callsSchema });
const CALL_KEYS = Object.keys(callSchema.shape).join(', ');
const SHAPE_HINT = 'a workload is a list of calls, or {calls: [...]}; each call is {name?, alias, request?}';

export interface WorkloadCall {
  name: string;
  alias: string;
  operation: Operation;
  model: ModelConfig;
  provider: ModelProvider;
  /** As written in the workload (without `model`). */
  request: Record<string, unknown>;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)';
}

// One line for the first problem; a misspelt key comes first because it usually explains a
// "missing" one next to it.
function describeIssue(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  const path = issue.path.length > 0 ? `${fieldPath(issue.path)}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const allowed = issue.path.length > 0 ? CALL_KEYS : 'calls';
    return `${path}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})`;
  }
  return `${path}${issue.message}`;
}

export function parseWorkload(raw: unknown, config: DataDesignerConfig, label: string): WorkloadCall[] {
  // Dispatch on the document's shape so errors point into it, not at "no union member matched".
  const schema = Array.isArray(raw) ? callsSchema : raw !== null && typeof raw === 'object' ? wrappedSchema : undefined;
  if (!schema) throw new UsageError(`${label}: ${SHAPE_HINT}`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${label}: ${describeIssue(parsed.error.issues)}`);
  const calls = Array.isArray(parsed.data) ? parsed.data : (parsed.data as z.output<typeof wrappedSchema>).calls;
  const seen = new Set<string>();
  return calls.map((call, index) => {
    const where = `${label}: [${index}]`;
    const model = config.models.find((m) => m.alias === call.alias);
    if (!model) {
      throw new UsageError(
        `${where}.alias: unknown model alias "${call.alias}"; the config has ${config.models.map((m) => `"${m.alias}"`).join(', ') || 'no models'}`,
      );
    }
    const provider = config.providers.find((p) => p.name === model.provider) as ModelProvider;
    const operation: Operation = model.inferenceParameters.generationType === 'embedding' ? 'embedding' : 'chat';
    const request = call.request ?? (operation === 'embedding' ? { input: ['Hello'] } : { messages: [{ role: 'user', content: 'Hello' }] });
    if ('model' in request) throw new UsageError(`${where}.request.model: leave it out; the alias decides the model`);
    if (operation === 'chat' && (!Array.isArray(request.messages) || request.messages.length === 0)) {
      throw new UsageError(`${where}.request.messages: a chat call needs a non-empty messages list`);
    }
    if (operation === 'embedding' && (!Array.isArray(request.input) || request.input.some((t) => typeof t !== 'string'))) {
      throw new UsageError(`${where}.request.input: an embedding call needs a list of strings`);
    }
    const name = call.name ?? `${call.alias}-${index + 1}`;
    if (seen.has(name)) throw new UsageError(`${where}.name: "${name}" is used twice; names must be unique`);
    seen.add(name);
    return { name, alias: call.alias, operation, model, provider, request };
  });
}

export async function loadWorkload(path: string, config: DataDesignerConfig): Promise<WorkloadCall[]> {
  let text: string;
  try {
    // A regular file of at most FILE_LIMITS.workload.maxBytes: a FIFO or a device is refused, never read.
    text = await readBoundedTextFile(path, FILE_LIMITS.workload);
  } catch (error) {
    const refusal = error as FileReadError;
    throw new UsageError(refusal.refused ? `workload ${path} ${refusal.problem}` : `cannot read workload ${path} (${refusal.code})`);
  }
  let raw: unknown;
  const json = extname(path).toLowerCase() === '.json';
  try {
    // Linear-time parsing whose errors name a line and a column, never the text (config-syntax.ts).
    raw = json ? parseJsonText(text) : parseYamlText(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid ${json ? 'JSON' : 'YAML'} (${(error as Error).message})`);
  }
  return parseWorkload(raw, config, path);
}

/**
 * The canonical request the client receives, built the way the facade builds it (sampled config
 * parameters < the call < the provider's extraBody), so a recorded fixture replays without the
 * config. Provider headers are left to the provider: they are not part of a fixture and may
 * carry credentials.
 */
export function canonicalRequest(call: WorkloadCall, random: () => number = Math.random): ChatRequest | EmbeddingRequest {
  const params = call.model.inferenceParameters;
  const provider = { extraBody: call.provider.extraBody };
  const { timeout_ms: _deadline, ...sampled } =
    params.generationType === 'embedding' ? embeddingParams(params) : sampleChatParams(params, random);
  const merged = applyPrecedence<Record<string, unknown>>(sampled, call.request, provider);
  return { ...merged, model: call.model.model } as unknown as ChatRequest | EmbeddingRequest;
}

/**
 * What the engine is sent: the canonical request plus the provider's extraHeaders merged over the
 * call's headers, as the facade does in production. Without them an endpoint that needs one (an
 * Azure-style `api-key`, a gateway key) answers 401 to record and live compare alike.
 */
export function wireRequest<T extends ChatRequest | EmbeddingRequest>(call: WorkloadCall, request: T): T {
  const headers = call.provider.extraHeaders;
  if (!headers || Object.keys(headers).length === 0) return request;
  return { ...request, extra_headers: { ...(request.extra_headers ?? {}), ...headers } };
}
