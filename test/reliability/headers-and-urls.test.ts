// Issue 9, item 7: headers that cannot be sent as given, and endpoints that are not plain
// http(s) URLs, are refused up front — in config (ConfigError naming the provider and the header
// or URL problem) or per call before the network (ModelBadRequestError naming the header) —
// identically on both engines and all three providers. Never retried, never hanging, and the
// refused value (a header value, a URL password) is never quoted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry, ConfigError } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ProviderType } from '../../src/core/types.ts';
import { okBody, startHostileServer, type HostileServer } from './support/hostile-server.ts';
import { providerConfig, runCall, type ProviderInput } from './support/run-call.ts';
import { ENGINES } from '../../src/testing/engines.ts';

const TYPES: ProviderType[] = ['openai', 'anthropic', 'bedrock'];
const PLANTED = 'planted-header-value-9f3c';

// [case, headers, what the error must name]
const BAD_HEADERS: [string, Record<string, string>, RegExp][] = [
  ['CR/LF in a value', { 'x-trace': `${PLANTED}\r\nx-injected: 1` }, /header "x-trace".*line break/],
  ['a bare LF in a value', { 'x-trace': `${PLANTED}\nmore` }, /header "x-trace"/],
  ['a NUL in a value', { 'x-trace': `${PLANTED}\u0000` }, /header "x-trace"/],
  ['a space in the name', { 'bad header': PLANTED }, /header name "bad header" is not a valid HTTP header name/],
  ['a colon in the name', { 'x-a:b': PLANTED }, /header name "x-a:b"/],
  ['an empty name', { '': PLANTED }, /header name ""/],
  ['content-length', { 'content-length': '5' }, /header "content-length" is set by the HTTP transport/],
  ['Transfer-Encoding', { 'Transfer-Encoding': 'chunked' }, /header "Transfer-Encoding" is set by the HTTP transport/],
  ['host', { host: 'evil.example' }, /header "host" is set by the HTTP transport/],
  ['connection', { connection: 'close' }, /header "connection" is set by the HTTP transport/],
];

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
  server.behave((_req, res) => res.writeHead(500).end());
});
afterAll(async () => {
  await server.close();
});

function buildRegistry(type: ProviderType, provider: Partial<ProviderInput>) {
  return () =>
    createModelRegistry(
      { providers: [providerConfig(type, server, provider)], models: [{ alias: 'm', model: 'x', provider: 'hostile' }] },
      { env: {}, logger: silentLogger },
    );
}

function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the config was accepted');
}

describe.each(TYPES)('%s provider config', (type) => {
  it.each(BAD_HEADERS)('extraHeaders with %s → ConfigError naming the provider and the header', (_name, headers, named) => {
    const error = configErrorOf(buildRegistry(type, { extraHeaders: headers }));
    expect(error.message).toMatch(/providers\[0\] \(name "hostile"\)\.extraHeaders: provider "hostile": /);
    expect(error.message).toMatch(named);
    expect(error.message).not.toContain(PLANTED);
  });

  it.each([
    ['file:', 'file:///etc/passwd', /endpoint must be an http or https URL, not "file:"/],
    ['ftp:', 'ftp://127.0.0.1/models', /endpoint must be an http or https URL, not "ftp:"/],
    ['ws:', 'ws://127.0.0.1:9/v1', /endpoint must be an http or https URL, not "ws:"/],
  ])('a %s endpoint → ConfigError naming the provider', (_name, endpoint, named) => {
    const error = configErrorOf(buildRegistry(type, { endpoint }));
    expect(error.message).toMatch(/providers\[0\] \(name "hostile"\)\.endpoint: provider "hostile": /);
    expect(error.message).toMatch(named);
  });

  it('an endpoint with user:password@ → ConfigError that never prints the password', () => {
    const endpoint = server.url.replace('http://', 'http://admin:url-password-7d1e@');
    const error = configErrorOf(buildRegistry(type, { endpoint }));
    expect(error.message).toMatch(/providers\[0\] \(name "hostile"\)\.endpoint: provider "hostile": endpoint must not hold credentials/);
    for (const text of [error.message, String(error), JSON.stringify(error), error.render()]) {
      expect(text).not.toContain('url-password-7d1e');
    }
  });

  it('a valid extra header and an https endpoint are accepted', () => {
    expect(buildRegistry(type, { extraHeaders: { 'x-team': 'data\tdesigner' } })).not.toThrow();
    expect(buildRegistry(type, { endpoint: 'https://example.invalid/v1' })).not.toThrow();
  });
});

describe.each(ENGINES)('per-call extra_headers (%s engine)', (engine) => {
  describe.each(TYPES)('%s', (type) => {
    it.each(BAD_HEADERS)('%s → ModelBadRequestError naming the header, before any request', async (_name, headers, named) => {
      const result = await runCall(engine, type, server, { request: { extra_headers: headers } });
      expect(result.outcome).toBe('ModelBadRequestError');
      expect(result.error!.message).toMatch(/extra_headers: /);
      expect(result.error!.message).toMatch(named);
      expect(result.error!.message).not.toContain(PLANTED);
      expect(result.error!.retryable).toBe(false);
      expect([result.attempts, result.sleeps]).toEqual([0, []]);
    });

    it('a valid extra header is sent as given', async () => {
      server.behave((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(okBody(type)));
      const seen = server.received.length;
      const result = await runCall(engine, type, server, { request: { extra_headers: { 'X-Team': 'data designer' } } });
      expect([result.outcome, result.attempts]).toEqual(['ok', 1]);
      expect(server.received[seen]['x-team']).toBe('data designer');
      server.behave((_req, res) => res.writeHead(500).end());
    });
  });
});
