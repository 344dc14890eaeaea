// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Issue 18 item 8 (engine-rules "Embeddings"): OpenAI takes at most 2,048 inputs per request, so
// a longer input list goes out as batches of 2,048, concurrently, through each engine's own
// fan-out. Run as in-memory fixtures through the public harness against the loopback replay
// server; the answers are the wire corpus's real embedding body with its vector repeated per text.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exchange, Fixture } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { RUN_TIMEOUT_MS, WIRE_CORPUS_DIR } from './support.ts';

const CORPUS = JSON.parse(readFileSync(resolve(WIRE_CORPUS_DIR, 'openai/embeddings_float_full_vector.json'), 'utf8')) as {
  exchanges: Exchange[];
};
const ANSWER = CORPUS.exchanges[0].response as {
  status: number;
  headers: Record<string, string>;
  body: { data: { embedding: number[] }[]; usage: { prompt_tokens: number; total_tokens: number }; model: string };
};
const MODEL = 'text-embedding-3-small';
const texts = (count: number) => Array.from({ length: count }, (_, i) => `text ${i}`);

function answer(input: string[]): Exchange['response'] {
  return {
    status: 200,
    headers: ANSWER.headers,
    body: { ...ANSWER.body, data: input.map((_, index) => ({ ...ANSWER.body.data[0], index })) },
  };
}

function exchange(input: string[], response: Exchange['response'] = answer(input)): Exchange {
  return { request: { method: 'POST', path: '/v1/embeddings', body: { model: MODEL, input, encoding_format: 'float' } }, response };
}

function fixture(name: string, input: string[], exchanges: Exchange[], expectation: Fixture['expect']): Fixture {
  return {
    name,
    provider: 'openai',
    operation: 'embedding',
    model: MODEL,
    source: 'wire-corpus/openai/embeddings_float_full_vector.json (vector repeated per text)',
    request: { input, encoding_format: 'float' },
    exchanges,
    expect: expectation,
  };
}

describe('OpenAI embeddings over 2,048 inputs are sent in batches of 2,048 (both engines)', () => {
  it('2,100 texts: two requests (2,048 + 52), vectors in input order, usage summed', async () => {
    const input = texts(2100);
    const usage = { prompt_tokens: 2 * ANSWER.body.usage.prompt_tokens, total_tokens: 2 * ANSWER.body.usage.total_tokens };
    // Written in the reverse of input order: the batches are concurrent and replayed by body.
    const run = await compareEngines(
      fixture('openai/embedding-2100-texts', input, [exchange(input.slice(2048)), exchange(input.slice(0, 2048))], {
        response: { usage, model: ANSWER.body.model },
        attempts: 2,
        sleeps: [],
      }),
      { timeoutMs: RUN_TIMEOUT_MS },
    );
    expect(run.diffs).toEqual([]);
    expect(run.matches, JSON.stringify([...run.legacy.expectation.diffs, ...run.v2.expectation.diffs])).toBe(true);
    for (const side of [run.legacy, run.v2]) {
      const data = (side.response as { data: { index: number; embedding: number[] }[] }).data;
      expect(data).toHaveLength(2100);
      expect(data.map((d) => d.index)).toEqual(input.map((_, i) => i));
      expect(side.requests.map((r) => (r.body as { input: string[] }).input.length).sort((a, b) => a - b)).toEqual([52, 2048]);
    }
  }, 60_000);

  it('exactly 2,048 texts: one request, as before', async () => {
    const input = texts(2048);
    const run = await compareEngines(
      fixture('openai/embedding-2048-texts', input, [exchange(input)], { response: { usage: ANSWER.body.usage }, attempts: 1, sleeps: [] }),
      { timeoutMs: RUN_TIMEOUT_MS },
    );
    expect(run.diffs).toEqual([]);
    expect(run.matches).toBe(true);
  }, 60_000);

  it('a batch refused with a 400 fails the call, naming its texts, on both engines alike', async () => {
    const input = texts(2100);
    const refused: Exchange['response'] = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: { error: { message: "'$.input' is invalid.", type: 'invalid_request_error', param: null, code: null } },
    };
    const run = await compareEngines(
      fixture('openai/embedding-second-batch-refused', input, [exchange(input.slice(0, 2048)), exchange(input.slice(2048), refused)], {
        error: 'ModelBadRequestError',
      }),
      { timeoutMs: RUN_TIMEOUT_MS },
    );
    expect(run.diffs).toEqual([]);
    for (const side of [run.legacy, run.v2]) {
      expect(side.error?.type).toBe('ModelBadRequestError');
      expect(side.error?.message).toContain('texts 2048–2099 of 2100');
    }
  }, 60_000);
});
