// Issue 24, generated responses: a fixed seed, at least 1,000 response bodies per provider, each
// read by both engines over real HTTP and judged by the oracle (generated/responses.ts). On the
// code before the class-7 fixes this seed reports `choices: []`, empty vectors and vectors of the
// wrong length as successes on both engines, and v2's unmapped TypeError on a Bedrock tool input
// past 2^53; after them, 0 violations.
import { describe, expect, it } from 'vitest';
import { expectedOutcome } from './generated/response-oracle.ts';
import { runResponseConformance, type Section } from './generated/responses.ts';

const SEED = 24;
const RUNS = 1_000;

function report(section: Section): string {
  return section.violations
    .map((v) => `${v.kind} [${v.engine}] ${v.message}\n  shrunk: ${JSON.stringify(v.counterexample).slice(0, 1_500)}`)
    .join('\n');
}

describe('generated responses, read by both engines', () => {
  it(
    `seed ${SEED}: ${RUNS} cases per provider, 0 violations`,
    async () => {
      const section = await runResponseConformance({ runs: RUNS, seed: SEED });
      console.log(`generated responses: ${section.cases} cases in ${section.seconds.toFixed(1)} s; ${JSON.stringify(section.outcomes)}`);
      expect(section.violations, report(section)).toEqual([]);
      expect(section.cases).toBeGreaterThanOrEqual(3 * RUNS);
      for (const provider of ['openai', 'anthropic', 'bedrock']) {
        for (const engine of ['legacy', 'v2']) {
          const seen = Object.entries(section.outcomes)
            .filter(([label]) => label.startsWith(`${provider}/`) && label.split('/')[2] === engine)
            .reduce((sum, [, n]) => sum + n, 0);
          expect(seen, `${provider} ${engine}`).toBeGreaterThanOrEqual(RUNS);
        }
      }
      // The edges are drawn, not just possible: successes and shape errors on every provider with embeddings.
      const edges = ['openai/chat/legacy/ModelAPIError', 'openai/embedding/v2/ModelAPIError', 'bedrock/embedding/legacy/ModelAPIError'];
      for (const label of edges) {
        expect(section.outcomes[label] ?? 0, label).toBeGreaterThan(10);
      }
    },
    120_000,
  );

  it('the oracle refuses what the canonical type cannot hold, and keeps what it can', () => {
    const chat = (body: unknown) => expectedOutcome({ provider: 'openai', operation: 'chat', model: 'gpt-4o', body });
    expect(chat({ choices: [] })).toMatchObject({ kind: 'error', type: 'ModelAPIError' });
    expect(chat({ id: 'x' })).toMatchObject({ kind: 'error' });
    expect(chat({ choices: [{ message: { content: 'Hi' }, finish_reason: 'eos' }] })).toEqual({
      kind: 'ok',
      response: { choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', reasoning_content: null }, finish_reason: 'stop' }] },
    });
    const embed = (vectors: number[][], dimensions?: number) =>
      expectedOutcome({
        provider: 'openai',
        operation: 'embedding',
        model: 'text-embedding-3-small',
        input: vectors.map((_, i) => `t${i}`),
        ...(dimensions !== undefined ? { dimensions } : {}),
        bodies: [{ object: 'list', data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })) }],
      }).kind;
    expect(embed([[0.5, 0.25]], 2)).toBe('ok');
    expect(embed([[0.5, 0.25]], 3)).toBe('error');
    expect(embed([[0.5], []])).toBe('error');
    expect(embed([[0.5], [0.25, 0.125]])).toBe('ok');
  });
});
