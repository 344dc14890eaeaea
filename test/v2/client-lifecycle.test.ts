// Sharing and releasing what the adapters hold: SDK clients, sockets and throttles.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataDesignerError } from '../../src/core/errors.ts';
import { createClient } from '../../src/models-v2/index.ts';
import { SharedResourcePool } from '../../src/models-v2/client/shared-resource-pool.ts';
import { factoryArgs, recordingRuntime } from './factory-args.ts';
import { startLoopbackProvider } from './loopback-provider.ts';

const completion = { choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] };
const converse = { output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn' };

async function waitFor(check: () => Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('shared resource pool', () => {
  it('creates once per key, disposes after the last release, and retries a failed creation', async () => {
    const pool = new SharedResourcePool<{ id: number }>();
    let created = 0;
    const disposed: number[] = [];
    const shared: number[] = [];
    const make = () => ({ id: ++created });
    const a = await pool.acquire(
      'k',
      make,
      (v) => void disposed.push(v.id),
      (v) => void shared.push(v.id),
    );
    const b = await pool.acquire(
      'k',
      make,
      (v) => void disposed.push(v.id),
      (v) => void shared.push(v.id),
    );
    expect(a.value).toBe(b.value);
    expect(shared).toEqual([1]);
    await a.release();
    await a.release();
    expect(disposed).toEqual([]);
    await b.release();
    expect(disposed).toEqual([1]);
    expect(pool.size).toBe(0);

    await expect(
      pool.acquire(
        'bad',
        () => Promise.reject(new Error('boom')),
        () => {},
      ),
    ).rejects.toThrow('boom');
    expect(pool.size).toBe(0);
    const retried = await pool.acquire('bad', make, () => {});
    expect(retried.value.id).toBe(2);
  });
});

describe('v2 client lifecycle', () => {
  it('a closed client refuses calls with a ConfigError', async () => {
    const server = await startLoopbackProvider(() => ({ status: 200, body: completion }));
    const client = await createClient(factoryArgs({ name: 'life-1', endpoint: `${server.url}/v1` }, { alias: 'a', model: 'm' }));
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await client.close();
    await client.close();
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(ConfigError);
    await server.close();
  });

  it('bedrock: aliases share one client; the last close destroys its keep-alive sockets', async () => {
    const server = await startLoopbackProvider(() => ({ status: 200, body: converse }));
    const provider = { name: 'life-br', endpoint: server.url, providerType: 'bedrock', region: 'us-east-1', apiKey: 'br-key-123456' };
    const first = await createClient(factoryArgs(provider, { alias: 'a', model: 'm1' }));
    const second = await createClient(factoryArgs(provider, { alias: 'b', model: 'm2' }));
    await first.chat({ model: 'm1', messages: [{ role: 'user', content: 'x' }] });
    await second.chat({ model: 'm2', messages: [{ role: 'user', content: 'x' }] });
    // Keep-alive: both calls went over one socket of the shared agent.
    expect(await server.connections()).toBe(1);
    await first.close();
    await second.chat({ model: 'm2', messages: [{ role: 'user', content: 'x' }] });
    expect(await server.connections()).toBe(1);
    await second.close();
    expect(await waitFor(async () => (await server.connections()) === 0)).toBe(true);
    await server.close();
  });

  it.each([
    ['openai', '/v1', completion],
    [
      'anthropic',
      '',
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'm',
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      },
    ],
  ] as const)('%s: sockets belong to the client and close() releases them', async (providerType, path, body) => {
    const server = await startLoopbackProvider(() => ({ status: 200, body }));
    const client = await createClient(
      factoryArgs(
        { name: `life-${providerType}`, endpoint: `${server.url}${path}`, providerType, apiKey: 'life-key-123456' },
        { alias: 'a', model: 'm' },
      ),
    );
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 });
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 });
    expect(await server.connections()).toBeGreaterThan(0);
    await client.close();
    // With Node's global fetch pool the keep-alive sockets would outlive the client.
    expect(await waitFor(async () => (await server.connections()) === 0)).toBe(true);
    await server.close();
  });

  // Like legacy: once closed, a failing in-flight call ends with its error. A retry would run on
  // released resources - for Bedrock a destroyed agent that quietly opens new sockets.
  it.each([
    ['openai', '/v1', completion],
    [
      'anthropic',
      '',
      { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn' },
    ],
    ['bedrock', '', converse],
  ] as const)('%s: a call in flight when close() runs is not retried afterwards', async (providerType, path, body) => {
    const server = await startLoopbackProvider((_request, index) =>
      index === 0 ? { status: 503, body: { message: 'busy' }, delayMs: 150 } : { status: 200, body },
    );
    const runtime = recordingRuntime();
    const client = await createClient(
      factoryArgs(
        {
          name: `life-close-${providerType}`,
          endpoint: `${server.url}${path}`,
          providerType,
          apiKey: 'life-key-123456',
          region: 'us-east-1',
        },
        { alias: 'a', model: 'm' },
        { runtime },
      ),
    );
    const call = client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.close();
    const outcome = await call;
    expect(outcome).toBeInstanceOf(DataDesignerError);
    expect(runtime.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
    await server.close();
  });

  it('the AIMD admission caps concurrent attempts at maxParallelRequests, shared across aliases', async () => {
    const server = await startLoopbackProvider(() => ({ status: 200, body: completion, delayMs: 40 }));
    const provider = { name: 'life-cap', endpoint: `${server.url}/v1` };
    const wide = await createClient(factoryArgs(provider, { alias: 'wide', model: 'm', inferenceParameters: { maxParallelRequests: 6 } }));
    const narrow = await createClient(
      factoryArgs(provider, { alias: 'narrow', model: 'm', inferenceParameters: { maxParallelRequests: 2 } }),
    );
    const call = (client: typeof wide) => client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await Promise.all([call(wide), call(wide), call(narrow), call(wide), call(narrow), call(wide)]);
    expect(server.requests).toHaveLength(6);
    expect(server.maxConcurrent).toBe(2);
    await wide.close();
    await narrow.close();
    await server.close();
  });
});
