// The fake provider's realistic limits over real HTTP: request-rate and token-rate buckets with the
// providers' rate-limit headers, Bedrock throttling, transient noise, a schedule, the stats
// timeline and the control routes. Wire shapes are checked against ../shared/wire-corpus in place.
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { WIRE_CORPUS_DIR } from '../shared-reference.ts';
import { REPO_ROOT } from './support/run-script.ts';

const CORPUS = WIRE_CORPUS_DIR;
function corpusResponse(file: string): { status: number; headers: Record<string, string>; body: any } {
  return JSON.parse(readFileSync(resolve(CORPUS, file), 'utf8')).exchanges[0].response;
}

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeProviderOptions): Promise<FakeProvider> {
  fake = await startFakeProvider(options);
  return fake;
}

const OPENAI_AUTH = { authorization: 'Bearer test-key' };
const ANTHROPIC_AUTH = { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };
const BEDROCK_AUTH = { authorization: 'Bearer bedrock-api-key' };

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function call(path: string, body: unknown, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
  const response = await fetch(`${fake!.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
}

const openaiChat = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello' }] };
const chat = (): Promise<Answer> => call('/v1/chat/completions', openaiChat, OPENAI_AUTH);
// 2 system words + 1 user word + 40 = 43 tokens for the token bucket.
const anthropicChat = { model: 'claude-sonnet-4-5', max_tokens: 40, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] };
const messages = (body: unknown = anthropicChat): Promise<Answer> => call('/v1/messages', body, ANTHROPIC_AUTH);
const converse = (
  body: unknown = { messages: [{ role: 'user', content: [{ text: 'Hello' }] }], inferenceConfig: { maxTokens: 40 } },
): Promise<Answer> => call('/model/us.amazon.nova-micro-v1%3A0/converse', body, BEDROCK_AUTH);

/** Go duration (OpenAI `x-ratelimit-reset-*`) to milliseconds; throws on anything else. */
function goMs(value: string | null): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s|(\d+)ms)$/.exec(value ?? '');
  if (!match || value === '') throw new Error(`not a Go duration: ${value}`);
  return Number(match[1] ?? 0) * 3_600_000 + Number(match[2] ?? 0) * 60_000 + Number(match[3] ?? 0) * 1000 + Number(match[4] ?? 0);
}

const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function rateLimitHeaderNames(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.includes('ratelimit'));
}

describe('fake provider limits: request rate (OpenAI protocol)', () => {
  it('sends x-ratelimit-*-requests on every answer, remaining falling, then 429 + retry-after, then refills', async () => {
    await start({ requestsPerMinute: 120, requestBurst: 3 }); // one request back every 500 ms
    const answers = [await chat(), await chat(), await chat()];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-limit-requests'))).toEqual(['3', '3', '3']);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining-requests'))).toEqual(['2', '1', '0']);
    const resets = answers.map((a) => goMs(a.headers.get('x-ratelimit-reset-requests')));
    expect(resets[0]).toBe(500); // measured at admission: exactly one unit short
    expect(resets[2]).toBeGreaterThan(resets[0]);
    expect(resets[2]).toBeLessThanOrEqual(1500);
    // No token bucket configured: no token headers.
    expect(answers[0].headers.get('x-ratelimit-limit-tokens')).toBeNull();

    const limited = await chat();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(goMs(limited.headers.get('x-ratelimit-reset-requests'))).toBeGreaterThan(0);
    expect(limited.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
    // Worded like the real TPM message in the corpus, for requests.
    expect(corpusResponse('openai/429_rate_limit_tpm.json').body.error.message).toMatch(
      /^Rate limit reached for \S+ in organization \S+ on tokens per min \(TPM\): Limit \d+, Used \d+, Requested \d+\. Please try again in [\d.]+m?s\./,
    );
    expect(limited.json.error.message).toMatch(
      /^Rate limit reached for gpt-4\.1-mini in organization \S+ on requests per min \(RPM\): Limit 120, Used 3, Requested 1\. Please try again in \d+ms\./,
    );

    await sleep(550);
    const refilled = await chat();
    expect(refilled.status).toBe(200);
    expect(refilled.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(fake!.stats().rejected).toEqual({ capacity: 0, requestRate: 1, tokenRate: 0, noise: 0 });
  });

  it('puts the headers on embeddings, validation errors and other OpenAI-protocol answers too', async () => {
    await start({ requestsPerMinute: 1000, tokensPerMinute: 100_000 });
    const embedding = await call('/v1/embeddings', { model: 'text-embedding-3-small', input: ['alpha beta'] }, OPENAI_AUTH);
    const invalid = await call('/v1/chat/completions', { model: 'gpt-4.1-mini', messages: [] }, OPENAI_AUTH);
    for (const answer of [embedding, invalid]) {
      expect(answer.headers.get('x-ratelimit-limit-requests')).toBe('1000');
      expect(answer.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
      goMs(answer.headers.get('x-ratelimit-reset-requests'));
      goMs(answer.headers.get('x-ratelimit-reset-tokens'));
    }
    expect(embedding.status).toBe(200);
    expect(invalid.status).toBe(400);
    expect(embedding.headers.get('x-ratelimit-remaining-tokens')).toBe('99998'); // two words
    expect(Number(invalid.headers.get('x-ratelimit-remaining-requests'))).toBe(998);
  });

  it('sends no rate-limit header when no bucket is configured', async () => {
    await start({});
    expect(rateLimitHeaderNames((await chat()).headers)).toEqual([]);
  });
});

describe('fake provider limits: token rate', () => {
  it('Anthropic: charges prompt + max_tokens, sends anthropic-ratelimit-* (RFC 3339 resets), 429 rate_limit_error when short, refills', async () => {
    await start({ requestsPerMinute: 6000, tokensPerMinute: 3000, tokenBurst: 100 }); // 50 tokens per second
    const first = await messages();
    const second = await messages();
    expect([first.status, second.status]).toEqual([200, 200]);
    // Header names as the corpus shows them.
    const corpusNames = Object.keys(corpusResponse('anthropic/429_headers_without_retry_after_2024.json').headers).filter((n) =>
      n.startsWith('anthropic-ratelimit-'),
    );
    expect(rateLimitHeaderNames(first.headers).sort()).toEqual(corpusNames.sort());
    expect(first.headers.get('anthropic-ratelimit-tokens-limit')).toBe('100');
    expect(first.headers.get('anthropic-ratelimit-tokens-remaining')).toBe('57');
    const secondRemaining = Number(second.headers.get('anthropic-ratelimit-tokens-remaining'));
    expect(secondRemaining).toBeGreaterThanOrEqual(14);
    expect(secondRemaining).toBeLessThan(43);
    for (const name of ['anthropic-ratelimit-tokens-reset', 'anthropic-ratelimit-requests-reset']) {
      const reset = second.headers.get(name)!;
      expect(reset).toMatch(RFC3339_SECONDS);
      expect(Date.parse(reset)).toBeGreaterThanOrEqual(Date.now() - 1000);
      expect(Date.parse(reset)).toBeLessThanOrEqual(Date.now() + 3000);
    }
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBeNull();

    const limited = await messages();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(Number(limited.headers.get('anthropic-ratelimit-tokens-remaining'))).toBeLessThan(43);
    const real = corpusResponse('anthropic/429_rate_limit_input_tokens_per_minute.json').body;
    expect(Object.keys(limited.json).sort()).toEqual([...Object.keys(real), 'request_id'].sort());
    expect(limited.json.error.type).toBe(real.error.type);
    expect(limited.json.error.message).toMatch(
      /^This request would exceed the rate limit for your organization \(\S+\) of 3,000 tokens per minute\./,
    );

    await sleep(700);
    expect((await messages()).status).toBe(200);
    // Larger than the whole bucket: never admitted.
    expect((await messages({ ...anthropicChat, max_tokens: 500 })).status).toBe(429);
    expect(fake!.stats()).toMatchObject({ rejected: { tokenRate: 2, requestRate: 0 }, tokens: 3 * 43 });
  });

  it('OpenAI: x-ratelimit-*-tokens and a 429 of type "tokens" when prompt + max_tokens do not fit', async () => {
    await start({ tokensPerMinute: 60, tokenBurst: 30 });
    const first = await call('/v1/chat/completions', { ...openaiChat, max_tokens: 20 }, OPENAI_AUTH);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('30');
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe('9');
    expect(goMs(first.headers.get('x-ratelimit-reset-tokens'))).toBeGreaterThan(20_000); // 21 tokens at 1 per second
    expect(first.headers.get('x-ratelimit-limit-requests')).toBeNull();
    const limited = await call('/v1/chat/completions', { ...openaiChat, max_tokens: 20 }, OPENAI_AUTH);
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
    expect(limited.json.error.message).toMatch(
      /on tokens per min \(TPM\): Limit 60, Used 21, Requested 21\. Please try again in 1[12](\.\d+)?s\./,
    );
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(11);
  });
});

describe('fake provider limits: Bedrock throttling', () => {
  it('answers every limit with ThrottlingException in the corpus shape, without retry-after or rate-limit headers', async () => {
    const requests = corpusResponse('bedrock/429_throttling_too_many_requests.json');
    const tokens = corpusResponse('bedrock/429_throttling_too_many_tokens.json');
    await start({ requestsPerMinute: 60, requestBurst: 2, tokensPerMinute: 60, tokenBurst: 50 });
    const ok = await converse();
    expect(ok.status).toBe(200);
    expect(rateLimitHeaderNames(ok.headers)).toEqual([]);
    const tokenLimited = await converse(); // 41 tokens, 9 left
    const small = { messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }; // 1 token
    expect((await converse(small)).status).toBe(200); // the second (and last) request unit
    const requestLimited = await converse(small);
    for (const [answer, real] of [
      [tokenLimited, tokens],
      [requestLimited, requests],
    ] as const) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get('x-amzn-errortype')).toBe(real.headers['x-amzn-ErrorType']);
      expect(answer.json).toEqual(real.body);
      expect(answer.headers.get('retry-after')).toBeNull();
      expect(rateLimitHeaderNames(answer.headers)).toEqual([]);
    }
  });

  it('the concurrency cap throttles Bedrock the same way', async () => {
    await start({ capacity: 1, latencyMs: 200 });
    const answers = await Promise.all([converse(), converse()]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.headers.get('x-amzn-errortype')).toMatch(/^ThrottlingException:/);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.json).toEqual(corpusResponse('bedrock/429_throttling_too_many_requests.json').body);
  });
});

describe('fake provider limits: transient noise', () => {
  it('fails about the set fraction of requests, the same ones for the same seed', async () => {
    const pattern = async (seed: number): Promise<number[]> => {
      await start({ noiseRate: 0.2, seed, noiseRetryAfterSeconds: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const answer = await chat();
        if (answer.status === 429) {
          expect(answer.headers.get('retry-after')).toBe('2');
          expect(answer.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
        }
        statuses.push(answer.status);
      }
      expect(fake!.stats().rejected.noise).toBe(statuses.filter((s) => s === 429).length);
      await fake!.close();
      fake = undefined;
      return statuses;
    };
    const first = await pattern(11);
    const failures = first.filter((s) => s === 429).length;
    expect(failures).toBeGreaterThanOrEqual(20); // 40 expected; ±3.5 standard deviations
    expect(failures).toBeLessThanOrEqual(60);
    expect(await pattern(11)).toEqual(first);
    expect(await pattern(12)).not.toEqual(first);
  });

  it('529 is Anthropic overloaded_error in the corpus shape; OpenAI gets 503, Bedrock ServiceUnavailableException; retry-after can be left out', async () => {
    await start({ noiseRate: 1, noiseStatuses: [529], noiseRetryAfterSeconds: null });
    const anthropic = await messages();
    const real = corpusResponse('anthropic/529_overloaded_error.json').body;
    expect(anthropic.status).toBe(529);
    expect(anthropic.json).toMatchObject({ type: real.type, error: { type: real.error.type, message: real.error.message } });
    expect(anthropic.headers.get('retry-after')).toBeNull();
    const openai = await chat();
    expect(openai.status).toBe(503);
    expect(openai.json.error.type).toBe('server_error');
    const bedrock = await converse();
    expect(bedrock.status).toBe(503);
    expect(bedrock.json).toEqual(corpusResponse('bedrock/503_service_unavailable_too_many_connections.json').body);
    expect(fake!.stats().rejected.noise).toBe(3);
  });
});

describe('fake provider limits: schedule, stats and control routes', () => {
  it('changes the capacity at its second and reports the change', async () => {
    await start({ capacity: 1, latencyMs: 120, schedule: [{ atSeconds: 0.3, capacity: 3 }] });
    const before = await Promise.all([chat(), chat(), chat()]);
    expect(before.map((a) => a.status).sort()).toEqual([200, 429, 429]);
    expect(fake!.stats().limits.capacity).toBe(1);
    await sleep(320 - fake!.stats().elapsedMs);
    const after = await Promise.all([chat(), chat(), chat()]);
    expect(after.map((a) => a.status)).toEqual([200, 200, 200]);
    const stats = fake!.stats();
    expect(stats.limits.capacity).toBe(3);
    expect(stats.scheduleApplied).toHaveLength(1);
    expect(stats.scheduleApplied[0].atSeconds).toBe(0.3);
    expect(stats.scheduleApplied[0].appliedAtMs).toBeGreaterThanOrEqual(300);
    expect(stats.rejected.capacity).toBe(2);
  });

  it('turns a request-rate limit on at its second (headers appear then)', async () => {
    await start({ schedule: [{ atSeconds: 0.3, requestsPerMinute: 120, requestBurst: 2 }] });
    expect(rateLimitHeaderNames((await chat()).headers)).toEqual([]);
    await sleep(320);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await chat()).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('keeps a per-second timeline of answers, rejections, peak in flight and tokens', async () => {
    await start({ capacity: 2, latencyMs: 100 });
    await Promise.all([chat(), chat(), chat()]); // 2 answered, 1 over capacity
    await sleep(1100 - fake!.stats().elapsedMs);
    await call('/v1/chat/completions', { ...openaiChat, max_tokens: 5 }, OPENAI_AUTH);
    const { timeline, tokens } = fake!.stats();
    expect(timeline[0]).toEqual({ second: 0, ok: 2, rateLimited: 1, peakInFlight: 3, tokens: 2 });
    expect(timeline[1]).toEqual({ second: 1, ok: 1, rateLimited: 0, peakInFlight: 1, tokens: 6 });
    expect(tokens).toBe(8);
  });

  it('GET /_fake/stats and POST /_fake/reset: uncounted, reset refills the buckets and zeroes the stats', async () => {
    await start({ requestsPerMinute: 1, requestBurst: 1 });
    expect((await chat()).status).toBe(200);
    expect((await chat()).status).toBe(429);
    const stats = await call('/_fake/stats', undefined, {}, 'GET');
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({
      requests: 2,
      rejected: { requestRate: 1 },
      limits: { requestsPerMinute: 1 },
      timeline: [{ second: 0, ok: 1, rateLimited: 1 }],
    });
    const reset = await call('/_fake/reset', undefined, {});
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ requests: 0, rejected: { requestRate: 0 }, byStatus: {} });
    expect((await chat()).status).toBe(200);
    expect(fake!.stats().requests).toBe(1);
    expect((await call('/_fake/other', undefined, {}, 'GET')).status).toBe(404);
  });
});

describe('fake provider limits: CLI', () => {
  it('takes the limit flags and a schedule, and serves its stats on the control route', async () => {
    const child = spawn(
      process.execPath,
      [
        'scripts/fake-provider.ts',
        '--port',
        '0',
        '--rpm',
        '120',
        '--request-burst',
        '2',
        '--tpm',
        '6000',
        '--noise-rate',
        '0',
        '--schedule',
        '[{"atSeconds":60,"capacity":8}]',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      while (!stdout.includes('\n')) await once(child.stdout, 'data');
      const url = stdout.split('\n')[0];
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: OPENAI_AUTH,
          body: JSON.stringify(openaiChat),
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      const stats = await (await fetch(`${url}/_fake/stats`)).json();
      expect(stats).toMatchObject({
        requests: 3,
        rejected: { requestRate: 1 },
        limits: { requestsPerMinute: 120, requestBurst: 2, tokensPerMinute: 6000, capacity: null },
        scheduleApplied: [],
      });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'close');
    }
  });
});
