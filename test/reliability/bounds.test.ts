// Issue 9, items 4 and 6 (docs/contract.md "Retries, timeouts, admission": every timer bounded, every body read bounded), both engines ×
// three providers against a hostile loopback server: a timeout a Node timer cannot hold is refused
// before the network, a 50 MB error body becomes a short excerpt, an endless success body stops at
// the provider's maxResponseBytes — each with the typed error, the attempt count and no retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry, ConfigError } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { MAX_TIMER_MS, MAX_TIMEOUT_SECONDS } from '../../src/core/limits.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { endlessBody, okBody, startHostileServer, streamBody, type HostileServer } from './support/hostile-server.ts';
import { providerConfig, runCall } from './support/run-call.ts';
import { ENGINES } from '../../src/testing/engines.ts';

const TYPES: ProviderType[] = ['openai', 'anthropic', 'bedrock'];
const FIFTY_MB = 50 * 1024 * 1024;

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
});

describe('timers: a timeout a Node timer cannot hold is refused', () => {
  it.each(TYPES)('%s: config timeoutSeconds above the maximum is a ConfigError naming the maximum', (type) => {
    const build = (timeoutSeconds: number) =>
      createModelRegistry(
        {
          providers: [providerConfig(type, server)],
          models: [{ alias: 'm', model: 'x', provider: 'hostile', inferenceParameters: { timeoutSeconds } }],
        },
        { env: {}, logger: silentLogger },
      );
    expect(() => build(MAX_TIMEOUT_SECONDS + 1)).toThrow(ConfigError);
    expect(() => build(MAX_TIMEOUT_SECONDS + 1)).toThrow(new RegExp(`timeoutSeconds must be at most ${MAX_TIMEOUT_SECONDS}`));
    expect(() => build(MAX_TIMEOUT_SECONDS)).not.toThrow();
  });

  it('the embedding params and a tool alias take the same maximum', () => {
    const build = (extra: object) =>
      createModelRegistry({ providers: [providerConfig('openai', server)], ...extra }, { env: {}, logger: silentLogger });
    expect(() =>
      build({
        models: [
          { alias: 'e', model: 'x', provider: 'hostile', inferenceParameters: { generationType: 'embedding', timeoutSeconds: 3e6 } },
        ],
      }),
    ).toThrow(/models\[0\] \(alias "e"\)\.inferenceParameters\.timeoutSeconds: timeoutSeconds must be at most 2147483/);
    expect(() =>
      build({
        tools: [{ toolAlias: 't', providers: ['s'], timeoutSeconds: 3e6 }],
        mcpServers: [{ name: 's', transport: 'stdio', command: 'true' }],
      }),
    ).toThrow(/tools\[0\] \(tool alias "t"\)\.timeoutSeconds: timeoutSeconds must be at most 2147483/);
  });

  describe.each(ENGINES)('%s', (engine) => {
    it.each(TYPES)('%s: per-call timeout_ms of 2^31 ms → ModelBadRequestError naming it, no request', async (type) => {
      server.behave((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(okBody(type)));
      const result = await runCall(engine, type, server, { request: { timeout_ms: 2 ** 31 } });
      expect(result.outcome).toBe('ModelBadRequestError');
      expect(result.error?.message).toMatch(/timeout_ms/);
      expect(result.error?.message).toContain(String(MAX_TIMER_MS));
      expect(result.attempts).toBe(0);
    });

    it.each(TYPES)('%s: CallOptions.timeoutMs of 1e12 ms → ModelBadRequestError naming it, no request', async (type) => {
      server.behave((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(okBody(type)));
      const result = await runCall(engine, type, server, { options: { timeoutMs: 1e12 } });
      expect(result.outcome).toBe('ModelBadRequestError');
      expect(result.error?.message).toMatch(/timeoutMs/);
      expect(result.attempts).toBe(0);
    });

    it.each(TYPES)('%s: the largest accepted values still work (timer not overflowed)', async (type) => {
      server.behave((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(okBody(type)));
      const viaConfig = await runCall(engine, type, server, { inference: { timeoutSeconds: MAX_TIMEOUT_SECONDS } });
      const viaCall = await runCall(engine, type, server, { request: { timeout_ms: MAX_TIMER_MS } });
      expect([viaConfig.outcome, viaConfig.attempts, viaCall.outcome, viaCall.attempts]).toEqual(['ok', 1, 'ok', 1]);
    });
  });
});

describe.each(ENGINES)('bodies (%s engine): every read is bounded', (engine) => {
  it.each(TYPES)('%s: a 50 MB error body becomes a short excerpt with a marker, read once, not retried', async (type) => {
    // The OpenAI/Anthropic error envelope `{"error": {"message": …}}` (wire corpus 400 cases).
    server.behave((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': String(FIFTY_MB + 40) });
      streamBody(res, '{"error":{"message":"', 'bad request ', FIFTY_MB, '","type":"invalid_request_error"}}');
    });
    const result = await runCall(engine, type, server);
    expect(result.outcome).toBe('ModelBadRequestError');
    expect(result.attempts).toBe(1);
    expect(result.error!.message.length).toBeLessThan(3_000);
    expect(result.error!.providerMessage).toMatch(/^\{"error":\{"message":"bad request bad request/);
    expect(result.error!.providerMessage).toMatch(/… \[truncated, \d+ bytes\]$/);
    expect(JSON.stringify(result.error).length).toBeLessThan(4_000);
  });

  it.each(TYPES)('%s: a 50 MB 503 body is retried as a 503 (budget 2), each read bounded', async (type) => {
    server.behave((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      streamBody(res, '', 'overloaded ', FIFTY_MB, '');
    });
    const result = await runCall(engine, type, server);
    expect(result.outcome).toBe('ModelInternalServerError');
    expect(result.attempts).toBe(3);
    expect(result.sleeps).toEqual([2000, 4000]);
    expect(result.error!.message.length).toBeLessThan(3_000);
  });

  it.each(TYPES)('%s: an endless 200 body stops at maxResponseBytes → ModelAPIError, not retried', async (type) => {
    server.behave((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      endlessBody(res, '{"choices":[{"message":{"content":"');
    });
    const result = await runCall(engine, type, server, { provider: { maxResponseBytes: 1_048_576 }, inference: { timeoutSeconds: 30 } });
    expect(result.outcome).toBe('ModelAPIError');
    expect(result.error!.message).toMatch(/larger than 1048576 bytes \(maxResponseBytes\)/);
    expect(result.error!.status).toBeUndefined();
    expect(result.error!.retryable).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.sleeps).toEqual([]);
    expect(result.elapsedMs).toBeLessThan(20_000);
  });

  it.each(TYPES)('%s: a body of exactly maxResponseBytes is read whole; one byte less fails', async (type) => {
    const body = okBody(type).padEnd(4096, ' '); // trailing whitespace: still the same JSON document
    server.behave((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const exact = await runCall(engine, type, server, { provider: { maxResponseBytes: 4096 } });
    const under = await runCall(engine, type, server, { provider: { maxResponseBytes: 4095 } });
    expect([exact.outcome, exact.attempts, under.outcome, under.attempts]).toEqual(['ok', 1, 'ModelAPIError', 1]);
  });
});

describe.each(ENGINES)('the size-counting body read keeps the deadline (%s engine)', (engine) => {
  it.each(TYPES)('%s: a 200 that stalls mid-body still ends in ModelTimeoutError, retried 3 times', async (type) => {
    server.behave((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(okBody(type).slice(0, 20)); // then nothing, until the client gives up
    });
    const result = await runCall(engine, type, server, { request: { timeout_ms: 150 } });
    expect([result.outcome, result.attempts, result.sleeps]).toEqual(['ModelTimeoutError', 4, [2000, 4000, 8000]]);
  });
});

describe('maxResponseBytes in config', () => {
  it('must be an integer of at least 1024', () => {
    const build = (maxResponseBytes: number) =>
      createModelRegistry(
        { providers: [providerConfig('openai', server, { maxResponseBytes })], models: [] },
        { env: {}, logger: silentLogger },
      );
    expect(() => build(10)).toThrow(/providers\[0\] \(name "hostile"\)\.maxResponseBytes: maxResponseBytes must be at least 1024/);
    expect(() => build(1.5e6 + 0.5)).toThrow(ConfigError);
    expect(() => build(1024)).not.toThrow();
  });
});
