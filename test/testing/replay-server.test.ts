import { afterEach, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../../src/testing/replay-server.ts';
import type { Exchange } from '../../src/testing/fixture.ts';

const exchanges: Exchange[] = [
  {
    request: { method: 'POST', path: '/v1/chat/completions', body: { model: 'm', stream: true, temperature: 1 }, ignore: ['stream'] },
    response: {
      status: 429,
      headers: { 'retry-after': '1', 'content-type': 'application/json' },
      body: { error: { message: 'slow down' } },
    },
  },
  {
    request: { method: 'POST', path: '/model/us.amazon.nova-micro-v1%3A0/converse' },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } },
  },
];

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server!.origin}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('replay server', () => {
  it('serves exchanges once, in order, with recorded status and headers', async () => {
    server = await startReplayServer(exchanges);
    const first = await post('/v1/chat/completions', { model: 'm', temperature: 1 });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toEqual({ error: { message: 'slow down' } });
    // Lower-case percent-encoding is the same path.
    const second = await post('/model/us.amazon.nova-micro-v1%3a0/converse', {});
    expect(second.status).toBe(200);
    expect(server.served).toBe(2);
    expect(server.diffs()).toEqual([]);
  });

  it('reports a body that differs from the recording, honouring ignore', async () => {
    server = await startReplayServer(exchanges);
    await post('/v1/chat/completions', { model: 'm', temperature: 0.5, stream: false });
    const diffs = server.diffs();
    expect(diffs.map((d) => d.path)).toEqual(['exchanges[0].request.body.temperature', 'exchanges[1]']);
    expect(diffs[0]).toMatchObject({ expected: 1, actual: 0.5 });
    expect(diffs[1].note).toMatch(/never requested/);
  });

  it('answers an out-of-order or extra request with a non-retryable error and a diff', async () => {
    server = await startReplayServer(exchanges.slice(0, 1));
    const wrong = await post('/v1/embeddings', {});
    expect(wrong.status).toBe(500);
    expect(wrong.headers.get('x-should-retry')).toBe('false');
    await post('/v1/chat/completions', { model: 'm', temperature: 1 });
    const extra = await post('/v1/chat/completions', { model: 'm', temperature: 1 });
    expect(extra.status).toBe(500);
    const notes = server.diffs().map((d) => d.note);
    expect(notes[0]).toMatch(/does not match the next recorded exchange #1/);
    expect(notes[1]).toMatch(/after all 1 recorded exchanges were used/);
    expect(server.requests).toHaveLength(3);
  });

  it('never records credential headers', async () => {
    server = await startReplayServer(exchanges);
    await post(
      '/v1/chat/completions',
      { model: 'm', temperature: 1 },
      { authorization: 'Bearer sk-live-123456789', 'x-api-key': 'k-987654321' },
    );
    expect(server.requests[0].headers.authorization).toBe('***');
    expect(server.requests[0].headers['x-api-key']).toBe('***');
    expect(JSON.stringify(server.requests)).not.toMatch(/sk-live|k-987654321/);
  });

  describe('by content (concurrent requests: a Titan batch)', () => {
    const titanPath = '/model/amazon.titan-embed-text-v2%3A0/invoke';
    const text = (inputText: string, status: number, value: number): Exchange => ({
      request: { method: 'POST', path: titanPath, body: { inputText } },
      response: {
        status,
        headers: { 'content-type': 'application/json' },
        body: status === 200 ? { embedding: [value] } : { message: 'Too many requests' },
      },
    });
    // Recorded in the order b, a (429), c, a (200).
    const shuffled = [text('b', 200, 2), text('a', 429, 0), text('c', 200, 3), text('a', 200, 1)];

    it('serves each request the exchange of its body whatever the arrival order; one body keeps its recorded order', async () => {
      server = await startReplayServer(shuffled, { order: 'content' });
      const answers: [number, unknown][] = [];
      for (const inputText of ['c', 'a', 'a', 'b']) {
        const response = await post(titanPath, { inputText });
        answers.push([response.status, await response.json()]);
      }
      expect(answers).toEqual([
        [200, { embedding: [3] }],
        [429, { message: 'Too many requests' }],
        [200, { embedding: [1] }],
        [200, { embedding: [2] }],
      ]);
      expect(server.served).toBe(4);
      expect(server.diffs()).toEqual([]);
    });

    it('answers concurrent requests each with its own exchange', async () => {
      server = await startReplayServer(
        shuffled.filter((e) => e.response.status === 200),
        { order: 'content' },
      );
      const bodies = await Promise.all(['a', 'b', 'c'].map(async (inputText) => (await post(titanPath, { inputText })).json()));
      expect(bodies).toEqual([{ embedding: [1] }, { embedding: [2] }, { embedding: [3] }]);
      expect(server.diffs()).toEqual([]);
    });

    it('the recorded order still rules without the option: the same arrival is a mismatch', async () => {
      server = await startReplayServer(shuffled);
      await post(titanPath, { inputText: 'c' });
      expect(server.diffs()[0]).toMatchObject({ path: 'exchanges[0].request.body.inputText', expected: 'b', actual: 'c' });
    });

    it('a body no exchange has is served by the first unused exchange on its route and reported', async () => {
      server = await startReplayServer(shuffled, { order: 'content' });
      const response = await post(titanPath, { inputText: 'z' });
      expect(response.status).toBe(200);
      expect(server.diffs()[0]).toMatchObject({ path: 'exchanges[0].request.body.inputText', expected: 'b', actual: 'z' });
    });

    it('still reports a request on no recorded route, one too many, and exchanges never used', async () => {
      server = await startReplayServer(shuffled.slice(0, 1), { order: 'content' });
      const elsewhere = await post('/v1/embeddings', { inputText: 'b' });
      expect(elsewhere.status).toBe(500);
      expect(elsewhere.headers.get('x-should-retry')).toBe('false');
      expect(server.diffs().map((d) => d.note)).toEqual([
        expect.stringMatching(/matches none of the 1 unused recorded exchanges/),
        'recorded exchange #1 was never requested',
      ]);
      await post(titanPath, { inputText: 'b' });
      await post(titanPath, { inputText: 'b' });
      expect(server.diffs().map((d) => d.note)).toEqual([
        expect.stringMatching(/matches none of the 1 unused recorded exchanges/),
        expect.stringMatching(/after all 1 recorded exchanges were used/),
      ]);
    });

    it('a recorded exchange without a body matches any body on its route', async () => {
      server = await startReplayServer([exchanges[1]], { order: 'content' });
      const response = await post('/model/us.amazon.nova-micro-v1%3A0/converse', { anything: true });
      expect(response.status).toBe(200);
      expect(server.diffs()).toEqual([]);
    });
  });
});
