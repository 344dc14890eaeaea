// Proves the contract suite itself is right, without either engine: an oracle client that does
// exactly what each bundled fixture records must pass every fixture (so every expectation is
// satisfiable and the checks are not over-strict), and planted deviations must each be caught
// (so a green run is evidence, not a vacuous pass). Also proves the network guard bites.
import { createServer } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODEL_ERROR_CLASSES } from '../../src/core/errors.ts';
import type { CallOptions, ModelClient } from '../../src/core/model-client.ts';
import type { ClientFactory } from '../../src/config/client-factory.ts';
import { loadFixtures, type Fixture } from '../../src/testing/fixture.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { FIXTURES_DIR, fixtureProblems, readExtensions, REPO_ROOT, RUN_TIMEOUT_MS } from './support.ts';

const loaded = await loadFixtures([FIXTURES_DIR], REPO_ROOT);
const byName = new Map(loaded.map((l) => [l.fixture.name, l.fixture]));
const fileOf = new Map(loaded.map((l) => [l.fixture.name, l.file]));

/** TEST-NET-3 (RFC 5737): never routable, so without the guard a connect would hang or fail late. */
const UNROUTABLE = 'http://203.0.113.7/v1/chat/completions';

interface Deviation {
  body?: (recorded: unknown) => unknown;
  response?: (expected: Record<string, unknown>) => unknown;
  sleeps?: (expected: number[]) => number[];
  /** Send only this many of the recorded exchanges (default: all). */
  requests?: number;
  extraRequest?: boolean;
  /** Send the exchanges last to first (a concurrent batch may arrive in any order). */
  reversed?: boolean;
  escape?: boolean;
  /** Overrides what the thrown error carries. */
  errorInit?: { status?: number; retryAfterMs?: number };
}

// A ModelClient that replays the fixture's own claims: the recorded bodies, in order, with the
// expected sleeps between them (announced to the call observer as backoff, as the engines do),
// then the expected response or error.
function oracle(fixture: Fixture, deviation: Deviation = {}): ClientFactory {
  return ({ provider, model, runtime }) => {
    const origin = new URL(provider.endpoint).origin;
    const post = (path: string, body: unknown) =>
      fetch(new URL(path, origin), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      }).then((r) => r.arrayBuffer());
    const call = async (_request: unknown, options?: CallOptions): Promise<never> => {
      const expected = fixture.expect!;
      const sleeps = deviation.sleeps ? deviation.sleeps(expected.sleeps ?? []) : (expected.sleeps ?? []);
      const count = deviation.requests ?? fixture.exchanges.length;
      const sequence = deviation.reversed ? [...fixture.exchanges].reverse() : fixture.exchanges;
      for (let i = 0; i < count; i++) {
        const exchange = sequence[i];
        if (i > 0 && sleeps[i - 1] !== undefined) {
          options?.observer?.retryScheduled?.(sleeps[i - 1]);
          await runtime!.sleep!(sleeps[i - 1]);
        }
        await post(exchange.request.path, deviation.body ? deviation.body(structuredClone(exchange.request.body)) : exchange.request.body);
      }
      if (deviation.extraRequest) await post(fixture.exchanges[0].request.path, fixture.exchanges[0].request.body);
      if (deviation.escape) await fetch(UNROUTABLE, { method: 'POST', body: '{}' }).catch(() => undefined);
      if ('error' in expected) {
        const Class = MODEL_ERROR_CLASSES[expected.error as keyof typeof MODEL_ERROR_CLASSES] as unknown as new (init: object) => Error;
        const last = fixture.exchanges.at(-1)?.response.status ?? 0; // none for a local refusal
        const { retryAfterMs } = readExtensions(fileOf.get(fixture.name)!);
        throw new Class({
          providerName: provider.name,
          modelAlias: model.alias,
          status: last >= 300 ? last : undefined,
          retryAfterMs,
          ...deviation.errorInit,
        });
      }
      const response = structuredClone(expected.response);
      return (deviation.response ? deviation.response(response) : response) as never;
    };
    const client: ModelClient = {
      engine: 'v2',
      providerType: provider.providerType,
      providerName: provider.name,
      modelAlias: model.alias,
      chat: call,
      embed: call,
      close: async () => {},
    };
    return client;
  };
}

async function runOracle(fixture: Fixture, deviation?: Deviation) {
  const run = await runFixture(fixture, 'v2', {
    timeoutMs: RUN_TIMEOUT_MS,
    hooks: { wrapFactory: () => oracle(fixture, deviation) },
  });
  return fixtureProblems(fixture, run, guard.take(), readExtensions(fileOf.get(fixture.name)!));
}

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard.uninstall());
beforeEach(() => {
  guard.take();
});

describe('an oracle client that does exactly what a fixture records', () => {
  for (const { fixture } of loaded) {
    it(`passes ${fixture.name}`, async () => {
      expect(await runOracle(fixture)).toEqual([]);
    });
  }
});

describe('a batch replayed by content passes in any arrival order', () => {
  for (const name of [
    'bedrock/embedding-titan-shuffled-arrival',
    'bedrock/embedding-cohere-shuffled-batches',
    'bedrock/embedding-titan-shuffled-text-throttled-then-recovers',
  ]) {
    it(`${name}, sent last to first`, async () => {
      const fixture = byName.get(name);
      expect(fixture, `fixture ${name} exists`).toBeDefined();
      expect(await runOracle(fixture!, { reversed: true })).toEqual([]);
    });
  }
});

describe('planted deviations are caught', () => {
  const cases: [string, string, Deviation, RegExp][] = [
    [
      'an extra key in the message',
      'openai/chat-plain-text',
      { response: (r) => (((r.choices as { message: Record<string, unknown> }[])[0].message.refusal = null), r) },
      /^exact \$\.response\.choices\[0\]\.message\.refusal/,
    ],
    ['a missing usage', 'anthropic/plain-text-max-tokens-default', { response: (r) => (delete r.usage, r) }, /\$\.response\.usage/],
    [
      'usage invented where the provider sent none',
      'anthropic/tool-use-single',
      { response: (r) => ({ ...r, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }) },
      /^exact \$\.response\.usage/,
    ],
    [
      'a dropped parameter sent anyway',
      'anthropic/params-mapped-and-dropped',
      { body: (b) => ({ ...(b as object), seed: 7 }) },
      /request\.body\.seed/,
    ],
    [
      'a thinking block sent after the text',
      'anthropic/thinking-blocks-sent-back-in-tool-loop',
      {
        body: (b) => {
          const m = (b as { messages: { content: unknown[] }[] }).messages[1];
          m.content.push(m.content.shift());
          return b;
        },
      },
      /request\.body\.messages\[1\]\.content\[0\]/,
    ],
    ['one retry too many', 'openai/429-insufficient-quota-not-retried', { extraRequest: true }, /requests\[1\]/],
    ['one retry too few', 'bedrock/503-twice-then-success', { requests: 2, sleeps: () => [2000] }, /never requested|\$\.attempts/],
    ['a hint ignored', 'openai/429-retry-after-ms-recovers', { sleeps: () => [2000] }, /\$\.sleeps\[0\]/],
    [
      'an error without its status',
      'bedrock/403-unrecognized-client-is-authentication',
      { errorInit: { status: undefined } },
      /^error\.status: expected 403/,
    ],
    [
      'an error without its hint',
      'openai/429-retry-after-ms-exhausted',
      { errorInit: { retryAfterMs: undefined } },
      /^error\.retryAfterMs: expected 10/,
    ],
    ['a connection off the loopback', 'openai/chat-plain-text', { escape: true }, /^network: a connection to 203\.0\.113\.7/],
    [
      'a batch text sent with another body',
      'bedrock/embedding-titan-shuffled-arrival',
      { body: (b) => ({ ...(b as object), normalize: true }) },
      /request\.body\.normalize/,
    ],
    ['a batch that never went out', 'bedrock/embedding-cohere-shuffled-batches', { requests: 2 }, /never requested|\$\.attempts/],
    ['a batch text sent twice', 'bedrock/embedding-titan-shuffled-arrival', { extraRequest: true }, /requests\[4\]/],
  ];
  for (const [what, name, deviation, finding] of cases) {
    it(`${what} (${name})`, async () => {
      const fixture = byName.get(name);
      expect(fixture, `fixture ${name} exists`).toBeDefined();
      const problems = await runOracle(fixture!, deviation);
      expect(
        problems.some((p) => finding.test(p)),
        problems.join('\n'),
      ).toBe(true);
    });
  }
});

describe('the network guard', () => {
  it('refuses a connection off the loopback at once and records it', async () => {
    const started = Date.now();
    const error = await new Promise<Error>((resolve) => net.connect(80, '203.0.113.7').on('error', resolve));
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(guard.take()).toEqual(['203.0.113.7:80']);
    await expect(fetch('https://api.openai.com/v1/models')).rejects.toThrow();
    expect(guard.take()).toEqual(['api.openai.com:443']);
  });

  it('lets loopback traffic through', async () => {
    const server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      expect(guard.take()).toEqual([]);
    } finally {
      server.close();
    }
  });
});
