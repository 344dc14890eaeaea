// The per-attempt deadline: a timer the attempt clears and a caller listener it removes, so a
// long-lived caller signal (the facade passes one on every call) collects nothing per call.
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { attemptSignals } from '../../src/models-v2/retry/attempt-deadline.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { factoryArgs } from './factory-args.ts';
import { startLoopbackProvider } from './loopback-provider.ts';

describe('attemptSignals', () => {
  it('the deadline aborts both signals with a TimeoutError, as AbortSignal.timeout did', async () => {
    const caller = new AbortController();
    const { signal, deadline, dispose } = attemptSignals(15, caller.signal);
    await sleep(40);
    expect(deadline.aborted).toBe(true);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    expect(caller.signal.aborted).toBe(false);
    dispose();
  });

  it("the caller's abort reaches the attempt with the caller's reason and leaves the deadline alone", () => {
    const caller = new AbortController();
    const { signal, deadline, dispose } = attemptSignals(60_000, caller.signal);
    const reason = new Error('stop');
    caller.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(deadline.aborted).toBe(false);
    dispose();
  });

  it('an already aborted caller signal gives an already aborted attempt signal', () => {
    const caller = new AbortController();
    caller.abort('gone');
    const { signal, dispose } = attemptSignals(60_000, caller.signal);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('gone');
    dispose();
  });

  it('dispose detaches from the caller signal and stops the timer', async () => {
    const caller = new AbortController();
    const attempts = Array.from({ length: 100 }, () => attemptSignals(15, caller.signal));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(100);
    for (const attempt of attempts) attempt.dispose();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    await sleep(40);
    expect(attempts.some((attempt) => attempt.deadline.aborted || attempt.signal.aborted)).toBe(false);
  });

  it('cancel aborts what the transport holds, never the deadline or the caller', () => {
    const caller = new AbortController();
    const { signal, deadline, dispose, cancel } = attemptSignals(10_000, caller.signal);
    cancel();
    dispose();
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('AbortError');
    expect(deadline.aborted).toBe(false);
    expect(caller.signal.aborted).toBe(false);
  });

  it('takes a fractional budget (AbortSignal.timeout threw on one)', async () => {
    const { signal, dispose } = attemptSignals(1.5, undefined);
    await sleep(30);
    expect(signal.aborted).toBe(true);
    dispose();
  });
});

describe('adapters release the caller signal after every attempt', () => {
  const answers: Record<string, unknown> = {
    openai: { choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] },
    anthropic: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn' },
    bedrock: { output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn' },
  };
  it.each(['openai', 'anthropic', 'bedrock'] as const)('%s: no abort listener is left on the caller signal', async (type) => {
    const server = await startLoopbackProvider(() => ({ status: 200, body: answers[type] }));
    const endpoint = type === 'openai' ? `${server.url}/v1` : server.url;
    const client = await createClient(
      factoryArgs(
        {
          name: `deadline-${type}`,
          endpoint,
          providerType: type,
          apiKey: 'deadline-key-123456',
          ...(type === 'bedrock' ? { region: 'us-east-1' } : {}),
        },
        { alias: 'a', model: 'm' },
      ),
    );
    const caller = new AbortController();
    for (let i = 0; i < 5; i++) {
      await client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 8 }, { signal: caller.signal });
    }
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    await client.close();
    await server.close();
  });
});
