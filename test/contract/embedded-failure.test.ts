// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Issue 30 (engine-rules "A 2xx body decides"): an OpenAI-compatible 2xx whose body reports a
// failure is classified by the code it carries, on both engines, inside the retry loop. Bodies
// follow OpenRouter's documented error shape ({error: {code, message, metadata?}}, with the codes
// and wordings of openrouter.ai/docs/api-reference/errors); the answer that follows a retry is the
// wire corpus's.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exchange, Fixture } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { RUN_TIMEOUT_MS, WIRE_CORPUS_DIR } from './support.ts';

const corpusAnswer = (file: string): Exchange['response'] =>
  (JSON.parse(readFileSync(resolve(WIRE_CORPUS_DIR, file), 'utf8')) as { exchanges: Exchange[] }).exchanges[0].response;
const CHAT_ANSWER = corpusAnswer('openai/chat_system_prompt_text.json');
const EMBEDDING_ANSWER = corpusAnswer('openai/embeddings_float_full_vector.json');

function ok200(body: unknown, headers: Record<string, string> = {}): Exchange['response'] {
  return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body };
}

function fixture(operation: 'chat' | 'embedding', responses: Exchange['response'][]): Fixture {
  const path = operation === 'chat' ? '/v1/chat/completions' : '/v1/embeddings';
  return {
    name: `openai/embedded-failure-${operation}`,
    provider: 'openai',
    operation,
    model: 'openai/gpt-4o',
    source: 'openrouter.ai/docs/api-reference/errors (error shape and codes)',
    exchanges: responses.map((response) => ({ request: { method: 'POST', path }, response })),
  };
}

async function outcome(f: Fixture) {
  const run = await compareEngines(f, { timeoutMs: RUN_TIMEOUT_MS });
  expect(run.diffs).toEqual([]);
  return run.v2;
}

const error = (code: unknown, message: string) => ({ error: { code, message } });

describe('a 2xx carrying an error is classified by its code (both engines)', () => {
  it('429 in a 200: a rate limit, retried; its retry-after (on the 200) is honoured', async () => {
    const run = await outcome(fixture('chat', [ok200(error(429, 'You are being rate limited'), { 'retry-after': '3' }), CHAT_ANSWER]));
    expect(run.ok).toBe(true);
    expect(run.sleeps).toEqual([3000]);
  });

  it('429 in every 200: ModelRateLimitError with status 429 after three retries', async () => {
    const limited = ok200(error(429, 'You are being rate limited'));
    const run = await outcome(fixture('chat', [limited, limited, limited, limited]));
    expect(run.error).toMatchObject({ type: 'ModelRateLimitError', status: 429 });
    expect(run.attempts).toBe(4);
  });

  it('a code given as a string ("502") counts; 502 is a server error, retried', async () => {
    const run = await outcome(fixture('chat', [ok200(error('502', 'Your chosen model is down')), CHAT_ANSWER]));
    expect(run.ok).toBe(true);
    expect(run.sleeps).toEqual([2000]);
  });

  it('400 and 402 are not retried: a bad request, and 402 "insufficient credits" a quota error', async () => {
    const bad = await outcome(fixture('chat', [ok200(error(400, 'Bad Request: invalid or missing params'))]));
    expect(bad.error).toMatchObject({ type: 'ModelBadRequestError', status: 400 });
    const credits = await outcome(fixture('chat', [ok200(error(402, 'Your account or API key has insufficient credits.'))]));
    expect(credits.error).toMatchObject({ type: 'ModelQuotaExceededError', status: 402 });
    expect([bad.attempts, credits.attempts]).toEqual([1, 1]);
  });

  it('an error with no HTTP code is ModelAPIError, not retried, with no status', async () => {
    const run = await outcome(fixture('chat', [ok200(error('server_error', 'Provider disconnected unexpectedly'))]));
    expect(run.error).toMatchObject({ type: 'ModelAPIError' });
    expect(run.error?.status).toBeUndefined();
    expect(run.attempts).toBe(1);
  });

  it('an error inside the interrupted choice classifies it (503 → retried)', async () => {
    const interrupted = {
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'The capital' },
          finish_reason: 'error',
          error: { code: 503, message: 'No provider' },
        },
      ],
    };
    const run = await outcome(fixture('chat', [ok200(interrupted), CHAT_ANSWER]));
    expect(run.ok).toBe(true);
    expect(run.attempts).toBe(2);
  });

  it('embeddings: a 200 with an error and no data is that error (500, retried)', async () => {
    const run = await outcome(fixture('embedding', [ok200(error(500, 'Internal Server Error')), EMBEDDING_ANSWER]));
    expect(run.ok).toBe(true);
    expect(run.sleeps).toEqual([2000]);
  });

  it('an answer that also carries an error object is still an answer', async () => {
    const body = { ...(CHAT_ANSWER.body as object), error: { code: 500, message: 'ignored' } };
    const run = await outcome(fixture('chat', [ok200(body)]));
    expect(run.ok).toBe(true);
  });
});
