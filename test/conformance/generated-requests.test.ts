// Issue 24: generated requests, every body judged by the provider's definition. A fixed seed draws
// 2,000 canonical requests (generated/arbitraries.ts); each goes through the real client of both
// engines for all three providers, over loopback, and the oracle (generated/oracle.ts) judges
// what reached the wire or what was thrown. Expected: 0 violations. Each violation is shown with
// fast-check's shrunk case and the seed/path that replays it
// (`npm run conformance -- --seed 24 --runs 2000` gives the same cases).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_TYPES } from '../../src/core/types.ts';
import { installNetworkGuard, type NetworkGuard } from '../contract/network-guard.ts';
import { ENGINES } from '../contract/support.ts';
import { dialectsToJudge } from './generated/dialect-oracle.ts';
import { requestJudges, runRequestConformance } from './generated/requests.ts';

const GENERATED_SEED = 24;
const GENERATED_RUNS = 2000;

let guard: NetworkGuard;
beforeAll(() => {
  requestJudges();
  guard = installNetworkGuard();
}, 120_000);
afterAll(() => guard?.uninstall());

describe('generated canonical requests (fixed seed)', () => {
  const title = `${GENERATED_RUNS} cases per provider × engine: every outcome a valid, conserving body or a typed refusal, engines agreeing`;
  it(title, async () => {
    const report = await runRequestConformance({
      runs: GENERATED_RUNS,
      seed: GENERATED_SEED,
      engines: ENGINES,
      providers: PROVIDER_TYPES,
      shrinkSeconds: 60,
    });
    const rate = report.cases / report.seconds;
    const mix = Object.entries(report.outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `  ${k}: ${n}`);
    console.log(
      `generated requests: ${report.cases} cases × ${PROVIDER_TYPES.length} providers × ${ENGINES.length} engines in ` +
        `${report.seconds.toFixed(1)} s (${rate.toFixed(0)} cases/s)\n${mix.join('\n')}`,
    );
    const refused = guard.take();
    expect(refused, `connections left the loopback: ${refused.join(', ')}`).toEqual([]);
    expect(report.cases).toBe(GENERATED_RUNS);
    for (const provider of PROVIDER_TYPES) {
      for (const engine of ENGINES) {
        const judged = Object.entries(report.outcomes)
          .filter(([k]) => k.startsWith(`${provider} × ${engine}:`))
          .reduce((n, [, v]) => n + v, 0);
        expect(judged, `${provider} × ${engine} outcomes`).toBe(GENERATED_RUNS);
      }
    }
    // Issue 30: every OpenAI case ran on each dialect with request rules of its own too.
    for (const dialect of dialectsToJudge()) {
      for (const engine of ENGINES) {
        const judged = Object.entries(report.outcomes)
          .filter(([k]) => k.startsWith(`openai (dialect ${dialect}) × ${engine}:`))
          .reduce((n, [, v]) => n + v, 0);
        expect(judged, `openai (dialect ${dialect}) × ${engine} outcomes`).toBe(GENERATED_RUNS);
      }
    }
    const lines = report.violations.map(
      (v) => `${v.kind} | ${v.provider} | ${v.engine}: ${v.message}\n    shrunk: ${JSON.stringify(v.counterexample)}`,
    );
    expect(lines, `${report.violations.length} violation(s):\n${lines.join('\n')}`).toEqual([]);
  }, 900_000);
});
