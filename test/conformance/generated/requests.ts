// The generated request section of `npm run conformance`: fast-check draws canonical requests
// (arbitraries.ts), each goes through every asked engine × provider on the wire rig
// (wire-rig.ts), and the oracle (oracle.ts) judges what was sent or thrown. Every distinct
// violation (kind × provider × engine) is then shrunk by fast-check from the case that first
// showed it (same seed, replayed by its path), so the report carries the smallest case.
import fc from 'fast-check';
import type { EngineName } from '../../../src/core/model-client.ts';
import type { ChatRequest, ProviderType } from '../../../src/core/types.ts';
import { readSpec, SPEC_FILES } from '../spec-files.ts';
import { buildValidators } from '../validators.ts';
import type { Validators } from '../judge-request.ts';
import { chatRequest } from './arbitraries.ts';
import { dialectFindings, dialectsToJudge } from './dialect-oracle.ts';
import { DIALECTS } from '../../../src/core/dialects/dialect-table.ts';
import type { DialectName } from '../../../src/core/dialects/server-dialect.ts';
import { judgeCall, oracleRules, parityFindings, type OracleRules } from './oracle.ts';
import type { SectionOptions, SectionReport, SectionViolation } from './report.ts';
import { CHAT_MODELS, WireRig, type CallResult } from './wire-rig.ts';

type Partial0 = Omit<ChatRequest, 'model'>;

interface Found {
  kind: string;
  provider: ProviderType;
  engine: EngineName | 'both';
  message: string;
}

interface Judges {
  validators: Validators;
  rules: OracleRules;
}

let judges: Judges | undefined;
/** Validators are built once per process (ajv compiles the definitions: ~1 s). */
export function requestJudges(): Judges {
  judges ??= { validators: buildValidators(), rules: oracleRules(readSpec(SPEC_FILES.anthropic)) };
  return judges;
}

/** Runs one case on the given providers × engines; tallies outcomes when `outcomes` is given. */
async function evaluate(
  rig: WireRig,
  partial: Partial0,
  providers: readonly ProviderType[],
  engines: readonly EngineName[],
  outcomes?: Record<string, number>,
): Promise<Found[]> {
  const { validators, rules } = requestJudges();
  // Providers run side by side (each has its own server, so each call's bodies stay its own);
  // the engines of one provider run one after the other.
  const perProvider = await Promise.all(
    providers.map(async (provider) => {
      const found: Found[] = [];
      const request = { ...partial, model: CHAT_MODELS[provider] } as ChatRequest;
      const results: Partial<Record<EngineName, CallResult>> = {};
      for (const engine of engines) {
        const result = await rig.call(provider, engine, request);
        results[engine] = result;
        const judgement = judgeCall(request, result, validators, rules);
        if (outcomes) {
          const key = `${provider} × ${engine}: ${judgement.outcome}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }
        for (const f of judgement.findings) found.push({ ...f, provider, engine });
      }
      for (const f of parityFindings(results)) found.push({ ...f, provider, engine: 'both' });
      if (provider === 'openai') found.push(...(await evaluateDialects(rig, request, engines, outcomes)));
      return found;
    }),
  );
  return perProvider.flat();
}

/** The OpenAI case again on each dialect with rules of its own: the ordinary oracle, the dialect's rules, parity. */
async function evaluateDialects(
  rig: WireRig,
  request: ChatRequest,
  engines: readonly EngineName[],
  outcomes?: Record<string, number>,
): Promise<Found[]> {
  const { validators, rules } = requestJudges();
  const found: Found[] = [];
  for (const dialect of DIALECTS_JUDGED) {
    const results: Partial<Record<EngineName, CallResult>> = {};
    const add = (f: { kind: string; message: string }, engine: Found['engine']) =>
      found.push({ kind: `${dialect} dialect: ${f.kind}`, message: f.message, provider: 'openai', engine });
    for (const engine of engines) {
      const result = await rig.callDialect(dialect, engine, request);
      results[engine] = result;
      const judgement = judgeCall(request, result, validators, rules);
      if (outcomes) {
        const key = `openai (dialect ${dialect}) × ${engine}: ${judgement.outcome}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      for (const f of [...judgement.findings, ...dialectFindings(request, result, DIALECTS[dialect].request)]) add(f, engine);
    }
    for (const f of parityFindings(results)) add(f, 'both');
  }
  return found;
}

/** Every OpenAI case also runs on these dialects (one per distinct set of request rules). */
const DIALECTS_JUDGED: readonly DialectName[] = dialectsToJudge();

const keyOf = (f: Pick<Found, 'kind' | 'provider' | 'engine'>) => `${f.kind} | ${f.provider} | ${f.engine}`;

export interface RequestRunOptions extends SectionOptions {
  /** Stop shrinking new violations after this many seconds in all (default 120). */
  shrinkSeconds?: number;
}

export async function runRequestConformance(options: RequestRunOptions): Promise<SectionReport> {
  const started = performance.now();
  requestJudges();
  const rig = await WireRig.start(options.providers, options.engines, options.providers.includes('openai') ? DIALECTS_JUDGED : []);
  const outcomes: Record<string, number> = {};
  const first = new Map<string, { index: number; found: Found }>();
  let index = 0;
  try {
    await fc.check(
      fc.asyncProperty(chatRequest, async (partial) => {
        for (const f of await evaluate(rig, partial, options.providers, options.engines, outcomes)) {
          if (!first.has(keyOf(f))) first.set(keyOf(f), { index, found: f });
        }
        index += 1;
        if (options.progress && index % 250 === 0) options.progress(index, options.runs);
        return true;
      }),
      { seed: options.seed, numRuns: options.runs, endOnFailure: true },
    );
    const casesSeconds = (performance.now() - started) / 1000;

    const violations: SectionViolation[] = [];
    const shrinkUntil = performance.now() + (options.shrinkSeconds ?? 120) * 1000;
    for (const [key, { index: at, found }] of [...first.entries()].sort(([, a], [, b]) => a.index - b.index)) {
      let counterexample: unknown = { seed: options.seed, path: String(at), note: 'not shrunk (shrink budget spent or shrinking off)' };
      let message = found.message;
      if (options.shrink !== false && performance.now() < shrinkUntil) {
        const engines = found.engine === 'both' ? options.engines : [found.engine];
        const stillThere = async (partial: Partial0) =>
          (await evaluate(rig, partial, [found.provider], engines)).some((f) => keyOf(f) === key);
        const details = await fc.check(
          fc.asyncProperty(chatRequest, async (partial) => !(await stillThere(partial))),
          {
            seed: options.seed,
            numRuns: options.runs,
            path: String(at),
            interruptAfterTimeLimit: Math.max(1_000, shrinkUntil - performance.now()),
          },
        );
        if (details.failed && details.counterexample) {
          const [request] = details.counterexample;
          const again = (await evaluate(rig, request, [found.provider], engines)).find((f) => keyOf(f) === key);
          message = again?.message ?? message;
          counterexample = { seed: options.seed, path: details.counterexamplePath, shrinks: details.numShrinks, request };
        }
      }
      violations.push({ kind: found.kind, provider: found.provider, engine: found.engine, message, counterexample });
    }
    return {
      name: 'requests',
      cases: index,
      outcomes,
      violations,
      seconds: casesSeconds,
    };
  } finally {
    await rig.close();
  }
}
