// `compare --live`: the workload's calls go to the real endpoints of a config through both
// engines. Live answers differ run to run, so the engines are held to structure, not text:
// parity = same shape (success, choice count, tool names, JSON validity, usage present, vector
// count and size); a case matches when both succeeded, report usage, and return valid JSON
// wherever JSON was asked for (response_format, tool arguments).
import { resolveProvider, type DataDesignerConfig } from '../../config/schemas.ts';
import { DataDesignerError, ModelAPIConnectionError } from '../../core/errors.ts';
import type { EngineName, ModelClient } from '../../core/model-client.ts';
import type { ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../../core/types.ts';
import { loadClientFactory } from '../../engine.ts';
import { diffJson } from '../json-diff.ts';
import { createProxyPool, type RecordingProxy } from '../record/recording-proxy.ts';
import { collectSecrets, configuredHeaderNames, createScrubber } from '../record/secret-scrubber.ts';
import { canonicalRequest, wireRequest, type WorkloadCall } from '../record/workload.ts';
import type { RunHooks } from '../run-fixture.ts';
import type { ClientRunSummary } from '../../observability/client-run-summary.ts';
import { networkCause } from '../../facade/endpoint-probe.ts';
import { LiveEndpointUnreachable } from './live-endpoint-check.ts';
import { ENGINES, matchVerdict, type CompareCase, type EngineOutcome, type ParityDifference } from './compare-report.ts';

export interface LiveCompareOptions {
  hooks?: RunHooks;
  /** Shown as each case's `file`. */
  file: string;
  env?: Record<string, string | undefined>;
  onCase?: (c: CompareCase) => void;
  /** Counts every engine's calls into a run summary (--summary-json). */
  summary?: ClientRunSummary;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The parts of an answer two correct engines must agree on even when the text differs. */
function structure(operation: WorkloadCall['operation'], response: unknown): Record<string, unknown> {
  if (operation === 'embedding') {
    const r = response as EmbeddingResponse;
    return { vectors: r.data.length, dimensions: [...new Set(r.data.map((d) => d.embedding.length))], usagePresent: r.usage !== undefined };
  }
  const r = response as ChatResponse;
  return {
    choices: r.choices.map((choice) => ({
      toolNames: (choice.message.tool_calls ?? []).map((call) => call.function.name),
      argumentsAreJson: (choice.message.tool_calls ?? []).map((call) => isJson(call.function.arguments)),
      hasContent: choice.message.content !== null,
      contentIsJson: choice.message.content === null ? null : isJson(choice.message.content),
    })),
    usagePresent: r.usage !== undefined,
  };
}

function requirements(call: WorkloadCall, request: Record<string, unknown>, outcome: EngineOutcome): EngineOutcome['mismatches'] {
  const out: EngineOutcome['mismatches'] = [];
  if (!outcome.ok) {
    out.push({ path: '$.ok', expected: true, actual: outcome.error?.type ?? false });
    return out;
  }
  const shape = structure(call.operation, outcome.response);
  if (shape.usagePresent !== true) out.push({ path: '$.usage', expected: 'present', actual: 'absent' });
  if (call.operation === 'chat') {
    const format = request.response_format as { type?: string } | undefined;
    const wantsJson = format?.type === 'json_object' || format?.type === 'json_schema';
    (shape.choices as { argumentsAreJson: boolean[]; contentIsJson: boolean | null }[]).forEach((choice, i) => {
      choice.argumentsAreJson.forEach((valid, j) => {
        if (!valid)
          out.push({ path: `$.choices[${i}].message.tool_calls[${j}].function.arguments`, expected: 'valid JSON', actual: 'invalid JSON' });
      });
      if (wantsJson && choice.contentIsJson !== true)
        out.push({
          path: `$.choices[${i}].message.content`,
          expected: 'valid JSON',
          actual: choice.contentIsJson === null ? null : 'invalid JSON',
        });
    });
  }
  return out;
}

async function runEngine(
  engine: EngineName,
  call: WorkloadCall,
  request: ChatRequest | EmbeddingRequest,
  proxy: RecordingProxy,
  endpoint: string,
  options: LiveCompareOptions,
): Promise<EngineOutcome> {
  let factory = await loadClientFactory(engine);
  if (options.hooks?.wrapFactory) factory = options.hooks.wrapFactory(engine, factory);
  const env = options.env ?? process.env;
  const provider = { ...resolveProvider(call.provider, env), endpoint };
  let client: ModelClient | undefined;
  let response: unknown;
  let error: EngineOutcome['error'];
  try {
    client = await factory({ provider, model: call.model });
    const summary = options.summary;
    response =
      call.operation === 'embedding'
        ? await (summary
            ? summary.embed(client, wireRequest(call, request as EmbeddingRequest))
            : client.embed(wireRequest(call, request as EmbeddingRequest)))
        : await (summary
            ? summary.chat(client, wireRequest(call, request as ChatRequest))
            : client.chat(wireRequest(call, request as ChatRequest)));
  } catch (caught) {
    // The endpoint went away mid-run: every further call would only repeat the retries.
    if (caught instanceof ModelAPIConnectionError) {
      proxy.take();
      throw new LiveEndpointUnreachable(call.alias, call.provider.endpoint, `${engine}: ${networkCause(caught.cause ?? caught)}`);
    }
    error =
      caught instanceof DataDesignerError
        ? { type: caught.name, message: caught.message }
        : {
            type: `Unmapped:${caught instanceof Error ? caught.name : typeof caught}`,
            message: caught instanceof Error ? caught.message : String(caught),
          };
  } finally {
    await client?.close().catch(() => {});
  }
  const { exchanges } = proxy.take();
  const outcome: EngineOutcome = {
    ok: error === undefined,
    attempts: exchanges.length,
    requests: exchanges.map((e) => ({ method: e.request.method, path: e.request.path, body: e.request.body ?? null })),
    sleeps: [],
    pacingWaits: [],
    mismatches: [],
  };
  if (error) outcome.error = error;
  else outcome.response = response;
  return outcome;
}

export async function compareLive(config: DataDesignerConfig, calls: WorkloadCall[], options: LiveCompareOptions): Promise<CompareCase[]> {
  const scrubber = createScrubber(collectSecrets(config, options.env ?? process.env), configuredHeaderNames(config));
  const proxies = createProxyPool(scrubber);
  const cases: CompareCase[] = [];
  try {
    for (const call of calls) {
      const { endpoint, proxy } = await proxies.route(call.provider);
      // Sampled once: both engines must be asked the very same question.
      const request = canonicalRequest(call);
      const outcomes = {} as Record<EngineName, EngineOutcome>;
      for (const engine of ENGINES) outcomes[engine] = await runEngine(engine, call, request, proxy, endpoint, options);

      const diffs: ParityDifference[] = [];
      const { legacy, v2 } = outcomes;
      if (!legacy.ok || !v2.ok) {
        if (legacy.ok !== v2.ok || legacy.error?.type !== v2.error?.type) {
          diffs.push({ path: '$.ok', legacy: legacy.ok ? true : legacy.error?.type, v2: v2.ok ? true : v2.error?.type });
        }
      } else {
        for (const d of diffJson(structure(call.operation, legacy.response), structure(call.operation, v2.response))) {
          diffs.push({ path: d.path, legacy: d.left ?? null, v2: d.right ?? null });
        }
      }
      for (const engine of ENGINES)
        outcomes[engine].mismatches = requirements(call, request as unknown as Record<string, unknown>, outcomes[engine]);
      const c: CompareCase = {
        name: call.name,
        provider: call.provider.providerType,
        operation: call.operation,
        parity: diffs.length === 0,
        matches: matchVerdict(diffs.length === 0, legacy.mismatches.length === 0 && v2.mismatches.length === 0),
        legacy,
        v2,
        diffs,
        file: options.file,
      };
      cases.push(c);
      options.onCase?.(c);
    }
  } finally {
    await proxies.close();
  }
  return cases;
}
