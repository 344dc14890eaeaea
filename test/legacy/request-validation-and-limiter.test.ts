import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/models-legacy/client/concurrency-limiter.ts';
import { convertToAnthropicMessages } from '../../src/models-legacy/anthropic/messages.ts';
import { convertToBedrockMessages } from '../../src/models-legacy/bedrock/messages.ts';
import { parseDataUri } from '../../src/models-legacy/canonical/data-uri.ts';
import { RequestInputError } from '../../src/models-legacy/canonical/request-input-error.ts';
import { resolveTimeoutMs } from '../../src/models-legacy/transport/timeout.ts';
import { validateChatRequest } from '../../src/models-legacy/canonical/canonical-request-checks.ts';
import type { ChatMessage, ChatRequest } from '../../src/core/types.ts';

const request = (messages: unknown[]): ChatRequest => ({ model: 'm', messages: messages as ChatMessage[] });

describe('validateChatRequest', () => {
  it('accepts an ordinary conversation', () => {
    expect(() =>
      validateChatRequest(
        request([
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hi' },
              { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            ],
          },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c', content: 'ok' },
        ]),
      ),
    ).not.toThrow();
  });

  it.each([
    [[], /no messages/],
    [[{ role: 'robot', content: 'x' }], /messages\[0\] has role 'robot', which is not a chat role/],
    [[{ role: 'user' }], /messages\[0\] \(user\) has no content/],
    [[{ role: 'user', content: [{ type: 'image_url', image_url: 'https://x' }] }], /image_url part without image_url.url/],
    [[{ role: 'user', content: ['text'] }], /not a content part/],
    [[{ role: 'tool', content: 'x' }], /tool message without a tool_call_id/],
    [
      [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { arguments: '{}' } }] }],
      /tool_calls\[0\] has no function name/,
    ],
  ])('rejects %j', (messages, message) => {
    expect(() => validateChatRequest(request(messages))).toThrow(message);
  });
});

describe('content the Anthropic and Bedrock wire cannot carry', () => {
  const audio = [
    { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
  ] as unknown as ChatMessage[];

  it('is refused as an unsupported capability rather than dropped', () => {
    for (const convert of [convertToAnthropicMessages, convertToBedrockMessages]) {
      try {
        convert(audio);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(RequestInputError);
        expect((error as RequestInputError).kind).toBe('unsupported_capability');
        expect((error as Error).message).toMatch(/input_audio/);
      }
    }
  });

  it('needs base64 data URIs', () => {
    expect(parseDataUri('data:image/PNG;base64,AAAA')).toEqual({ mediaType: 'image/png', base64: 'AAAA' });
    expect(() => parseDataUri('data:image/png,%89PNG')).toThrow(/not base64/);
    expect(() => parseDataUri('data:nonsense')).toThrow(/malformed/);
  });
});

describe('resolveTimeoutMs', () => {
  it('prefers call options, then the request, then the model, then 60 s', () => {
    expect(resolveTimeoutMs(100, 200, 3)).toBe(100);
    expect(resolveTimeoutMs(undefined, 200, 3)).toBe(200);
    expect(resolveTimeoutMs(undefined, undefined, 3)).toBe(3000);
    expect(resolveTimeoutMs(undefined, undefined, undefined)).toBe(60_000);
  });

  it('rejects non-positive values', () => {
    expect(() => resolveTimeoutMs(0, undefined, undefined)).toThrow(RequestInputError);
    expect(() => resolveTimeoutMs(undefined, Number.NaN, undefined)).toThrow(/timeout_ms/);
  });
});

describe('ConcurrencyLimiter', () => {
  it('admits up to the limit and hands slots over in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: number[] = [];
    const releases = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const waiters = [3, 4, 5].map((n) =>
      limiter.acquire().then((release) => {
        order.push(n);
        return release;
      }),
    );
    expect(limiter.active).toBe(2);
    expect(limiter.waiting).toBe(3);
    releases[0]();
    releases[0](); // a second call is a no-op
    const third = await waiters[0];
    expect(limiter.waiting).toBe(2);
    releases[1]();
    third();
    (await waiters[1])();
    (await waiters[2])();
    expect(order).toEqual([3, 4, 5]);
    expect(limiter.active).toBe(0);
  });

  it('removes an aborted waiter without consuming a slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release();
    (await next)();
    expect(limiter.active).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('rejects a limit below 1', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
