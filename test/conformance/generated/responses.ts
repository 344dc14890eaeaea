// Generated responses (issue 24): provider response bodies drawn by fast-check from the response
// definitions (response-bodies.ts) are served over real loopback HTTP to both engines' real
// clients, and every reading is judged by the oracle (response-oracle.ts):
// - an answer the canonical type cannot represent (no choices, a vector count, length or
//   emptiness the request rules out) must be a typed error (ModelAPIError), never a success;
// - any other answer must be read conserving what it said (the oracle's canonical response);
// - never an unmapped error (TypeError …), and both engines reach the same outcome: the same
//   canonical result, or the same error class and status.
// Each violation class is reported once, with the case fast-check shrank it to.
import fc from 'fast-check';
import { DataDesignerError } from '../../../src/core/errors.ts';
import type { EngineName, ModelClient } from '../../../src/core/model-client.ts';
import type { ChatResponse, EmbeddingResponse, ProviderType } from '../../../src/core/types.ts';
import { canonicalJson, diffJson } from '../../../src/testing/json-diff.ts';
import { responseCase, type ResponseCase } from './response-bodies.ts';
import { endpointClient, startResponseEndpoint, type Answer, type ResponseEndpoint, type Served } from './response-endpoint.ts';
import { expectedOutcome, type Expected } from './response-oracle.ts';
import type { SectionReport, SectionViolation } from './report.ts';

// The report section `npm run conformance` prints (test/conformance/generated/report.ts).
export type Section = SectionReport;

export interface ResponseConformanceOptions {
  runs: number;
  seed: number;
  engines?: readonly EngineName[];
  providers?: readonly ProviderType[];
}

type Outcome = { ok: true; response: ChatResponse | EmbeddingResponse } | { ok: false; type: string; status?: number; message: string };

const PROMPT = [{ role: 'user' as const, content: 'Hello' }];
/** How many violation classes one provider may report before the search stops. */
const MAX_CLASSES = 12;
/** Shrink steps per counterexample: each costs both engines a call, and the first few do the most. */
const SHRINK_BUDGET = 300;

function describe(error: unknown): Outcome {
  if (error instanceof DataDesignerError) return { ok: false, type: error.name, status: error.status, message: error.message };
  const name = error instanceof Error ? error.name : typeof error;
  return { ok: false, type: `Unmapped:${name}`, message: error instanceof Error ? error.message : String(error) };
}

function responder(c: ResponseCase): (request: Served) => Answer {
  if (c.operation === 'chat') return () => ({ status: 200, body: c.body });
  if (c.model.includes('titan')) {
    // One request per text, concurrently: the body says which text it carries.
    return (request) => {
      const index = c.input.indexOf((request.body as { inputText?: string }).inputText ?? '');
      return { status: 200, body: c.bodies[index], headers: { 'x-amzn-bedrock-input-token-count': '1' } };
    };
  }
  const header = c.tokenHeaders?.[0];
  const headers: Record<string, string> = header === undefined ? {} : { 'x-amzn-bedrock-input-token-count': header };
  return () => ({ status: 200, body: c.bodies[0], headers });
}

async function read(client: ModelClient, c: ResponseCase): Promise<Outcome> {
  try {
    const response =
      c.operation === 'chat'
        ? await client.chat({ model: c.model, messages: PROMPT })
        : await client.embed({
            model: c.model,
            input: c.input,
            ...(c.dimensions !== undefined ? { dimensions: c.dimensions } : {}),
            ...(c.encoding_format !== undefined ? { encoding_format: c.encoding_format } : {}),
          });
    return { ok: true, response };
  } catch (error) {
    return describe(error);
  }
}

/** A violation's class: its kind and where it shows, without the case's own numbers. */
function classKey(v: Omit<SectionViolation, 'counterexample'>): string {
  return `${v.kind}|${v.provider}|${v.engine}|${v.message.replace(/\d+/g, 'N').slice(0, 120)}`;
}

function firstDifference(left: unknown, right: unknown): string | undefined {
  const diffs = diffJson(JSON.parse(canonicalJson(left)) as unknown, JSON.parse(canonicalJson(right)) as unknown);
  if (diffs.length === 0) return undefined;
  const d = diffs[0];
  return `${d.path}: ${JSON.stringify(d.left)?.slice(0, 80)} → ${JSON.stringify(d.right)?.slice(0, 80)}`;
}

/** Every rule a pair of readings breaks; `outcomes` counts what each engine did. */
function judge(c: ResponseCase, expected: Expected, readings: Map<EngineName, Outcome>): Omit<SectionViolation, 'counterexample'>[] {
  const found: Omit<SectionViolation, 'counterexample'>[] = [];
  const where = `${c.provider} ${c.operation}`;
  for (const [engine, outcome] of readings) {
    const add = (kind: string, message: string) => found.push({ kind, provider: c.provider, engine, message: `${where}: ${message}` });
    if (!outcome.ok && outcome.type.startsWith('Unmapped:')) add('unmapped-error', `${outcome.type}: ${outcome.message.slice(0, 120)}`);
    else if (expected.kind === 'error') {
      if (outcome.ok) add('unrepresentable-success', `${expected.why}, yet a success was returned`);
      else if (outcome.type !== expected.type) add('wrong-error', `${expected.why}: ${outcome.type}, not ${expected.type}`);
    } else if (!outcome.ok) add('refused-representable', `${outcome.type}: ${outcome.message.slice(0, 160)}`);
    else {
      const diff = firstDifference(expected.response, outcome.response);
      if (diff !== undefined) add('conservation', `the canonical result differs from what the body said at ${diff}`);
    }
  }
  const [left, right] = [...readings.values()];
  if (left && right) {
    const sides = [...readings.keys()].join(' vs ');
    const outcome = (o: Outcome) => (o.ok ? { response: o.response } : { error: { type: o.type, status: o.status } });
    const diff = firstDifference(outcome(left), outcome(right));
    if (diff !== undefined) {
      found.push({ kind: 'parity', provider: c.provider, engine: sides, message: `${where}: ${sides} differ at ${diff}` });
    }
  }
  return found;
}

interface Harness {
  endpoint: ResponseEndpoint;
  clients: Map<string, ModelClient>;
}

async function harnessFor(provider: ProviderType, engines: readonly EngineName[]): Promise<Harness> {
  const endpoint = await startResponseEndpoint();
  const clients = new Map<string, ModelClient>();
  const sleeps: number[] = [];
  for (const engine of engines) {
    clients.set(`${engine}:chat`, await endpointClient(engine, provider, 'chat-completion', endpoint.origin, sleeps));
    if (provider === 'anthropic') continue; // no embeddings
    clients.set(`${engine}:embedding`, await endpointClient(engine, provider, 'embedding', endpoint.origin, sleeps));
  }
  return { endpoint, clients };
}

export async function runResponseConformance(options: ResponseConformanceOptions): Promise<Section> {
  const started = performance.now();
  const engines = options.engines ?? (['legacy', 'v2'] as const);
  const providers = options.providers ?? (['openai', 'anthropic', 'bedrock'] as const);
  const outcomes: Record<string, number> = {};
  const violations: SectionViolation[] = [];
  let cases = 0;
  for (const provider of providers) {
    const harness = await harnessFor(provider, engines);
    const known = new Set<string>();
    const evaluate = async (c: ResponseCase): Promise<Omit<SectionViolation, 'counterexample'>[]> => {
      const expected = expectedOutcome(c);
      const readings = new Map<EngineName, Outcome>();
      for (const engine of engines) {
        harness.endpoint.answerWith(responder(c));
        const outcome = await read(harness.clients.get(`${engine}:${c.operation}`)!, c);
        readings.set(engine, outcome);
        const label = `${provider}/${c.operation}/${engine}/${outcome.ok ? 'ok' : outcome.type}`;
        outcomes[label] = (outcomes[label] ?? 0) + 1;
      }
      return judge(c, expected, readings);
    };
    try {
      for (let round = 0; round < MAX_CLASSES; round += 1) {
        const drawn = fc.limitShrink(responseCase(provider), SHRINK_BUDGET);
        const property = fc.asyncProperty(drawn, async (c) => (await evaluate(c)).every((v) => known.has(classKey(v))));
        const details = await fc.check(property, { numRuns: options.runs, seed: options.seed + round, endOnFailure: false });
        cases += details.numRuns;
        if (!details.failed || !details.counterexample) break;
        const [shrunk] = details.counterexample;
        const fresh = (await evaluate(shrunk)).filter((v) => !known.has(classKey(v)));
        if (fresh.length === 0) break; // not reproducible: reported by its absence of a class, never looped on
        for (const v of fresh) {
          known.add(classKey(v));
          violations.push({ ...v, counterexample: { seed: options.seed + round, path: details.counterexamplePath, case: shrunk } });
        }
      }
    } finally {
      for (const client of harness.clients.values()) await client.close().catch(() => {});
      await harness.endpoint.close();
    }
  }
  return { name: 'responses', cases, outcomes, violations, seconds: (performance.now() - started) / 1000 };
}
