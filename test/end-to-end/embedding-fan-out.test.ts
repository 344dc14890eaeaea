// Per-text embedding families fan out: a Titan call of many texts sends its requests side by side
// under the alias's limit, assembles vectors in input order, fails as a whole on the first text
// that fails for good (naming its index) and stops the rest on failure, cancellation or close()
// (docs/engine-rules.md, "Embedding fan-out"). Both engines, against the fake provider over real
// sockets; assertions are about outcomes and server-side counts, never about how long anything took.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { ConfigError, ModelBadRequestError, ModelInternalServerError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { EmbeddingResponse } from '../../src/core/types.ts';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../src/testing/fake-provider/fake-provider-server.ts';
import type { FaultInput } from '../../src/testing/fake-provider/fault-script.ts';
import { ENGINES } from '../../src/testing/engines.ts';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-english-v3';

const texts = (count: number): string[] => Array.from({ length: count }, (_, i) => `text ${i}`);

let fake: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  await fake?.close();
  registry = undefined;
  fake = undefined;
});

async function setup(engine: EngineName, options: FakeProviderOptions, maxParallelRequests: number, model = TITAN) {
  const provider = await startFakeProvider(options);
  fake = provider;
  registry = createModelRegistry(
    {
      providers: [
        {
          name: 'fake-bedrock',
          endpoint: provider.endpoints.bedrock,
          providerType: 'bedrock',
          apiKey: 'fake-key-not-a-secret',
          region: 'us-east-1',
        },
      ],
      models: [
        { alias: 'embed', model, provider: 'fake-bedrock', inferenceParameters: { generationType: 'embedding', maxParallelRequests } },
      ],
    },
    // Backoff sleeps are skipped (still cancellable): retries are counted, not waited for.
    { engine, env: {}, logger: silentLogger, runtime: { sleep: async (_ms: number, signal?: AbortSignal) => signal?.throwIfAborted() } },
  );
  return { fake: provider, client: await registry.getClient('embed') };
}

type StatusFault = Omit<Extract<FaultInput, { kind: 'status' }>, 'kind'>;

/** Fails every request whose body carries exactly this text (the key starts Titan's body). */
function failText(text: string, fault: StatusFault, on?: number[]): Pick<FakeProviderOptions, 'script'> {
  return { script: [{ match: { body: `{"inputText":"${text}"` }, ...(on ? { on } : {}), fault: { kind: 'status', ...fault } }] };
}

/**
 * What the provider saw once the call has settled: requests already on the wire when it settled
 * may still be read by the server a moment later, so the count is read after a pause and must
 * then stay put (nothing more is sent).
 */
async function settledRequestCount(provider: FakeProvider): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const sent = provider.stats().requests;
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(provider.stats().requests, 'requests sent after the call settled').toBe(sent);
  return sent;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(ENGINES)('%s: Titan fan-out', (engine) => {
  it('a 1,000-text call where text 437 is refused fails as a whole, names index 437 and stops the rest', async () => {
    const { client, fake } = await setup(
      engine,
      {
        latencyMs: 2,
        ...failText('text 437', {
          status: 400,
          type: 'ValidationException',
          message: 'Malformed input request, please reformat your input and try again.',
        }),
      },
      32,
    );
    const error = await client.embed({ model: '', input: texts(1000) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelBadRequestError);
    const failure = error as ModelBadRequestError;
    expect(failure.status).toBe(400);
    expect(failure.message).toContain('text 437 of 1000');
    expect(failure.causeText).toContain('text 437 of 1000');
    expect(failure.message).toContain('Malformed input request');
    // FIFO admission starts texts in input order and keeps 32 in flight: when 437 fails, at most
    // texts 0–468 were ever sent; everything still queued never is.
    const sent = await settledRequestCount(fake);
    expect(sent).toBeGreaterThanOrEqual(438);
    expect(sent).toBeLessThanOrEqual(437 + 32);
  });

  it('a text that keeps failing is retried on its own budget, then fails the call with its own class and index', async () => {
    const { client, fake } = await setup(
      engine,
      { ...failText('text 7', { status: 500, type: 'InternalServerException', message: 'boom' }) },
      4,
    );
    const error = await client.embed({ model: '', input: texts(20) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelInternalServerError);
    expect((error as Error).message).toContain('text 7 of 20');
    expect(fake.stats().faults).toBe(3); // one attempt and the two retries of a 5xx budget
  });

  it('a text that fails once is retried alone and the vectors still come back in input order', async () => {
    const { client } = await setup(engine, { latencyMs: 1, ...failText('text 11', { status: 429, type: 'ThrottlingException' }, [1]) }, 8);
    const input = texts(40);
    const batch = (await client.embed({ model: '', input })) as EmbeddingResponse;
    expect(batch.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    // Each vector is the one its own text gets alone: assembled by position, not by arrival.
    for (const i of [0, 11, 25, 39]) {
      const single = await client.embed({ model: '', input: [input[i]] });
      expect(batch.data[i].embedding).toEqual(single.data[0].embedding);
    }
    expect(batch.data[0].embedding).not.toEqual(batch.data[1].embedding);
  });

  it('keeps at most maxParallelRequests requests in flight, and more than one', async () => {
    const { client, fake } = await setup(engine, { latencyMs: 15 }, 6);
    const response = await client.embed({ model: '', input: texts(120) });
    expect(response.data).toHaveLength(120);
    const { peakInFlight, requests } = fake.stats();
    expect(requests).toBe(120);
    expect(peakInFlight).toBeLessThanOrEqual(6);
    expect(peakInFlight).toBeGreaterThan(1);
  });

  it("the caller's abort mid-batch stops the rest: nothing more reaches the provider", async () => {
    const { client, fake } = await setup(engine, { latencyMs: 10 }, 4);
    const controller = new AbortController();
    const call = client.embed({ model: '', input: texts(1000) }, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => fake.stats().requests >= 20, '20 requests');
    controller.abort();
    const error = (await call) as Error;
    expect(error.name).toBe('AbortError');
    const sent = await settledRequestCount(fake);
    expect(sent).toBeLessThan(100);
  });

  it('close() mid-batch ends the call with the closed ConfigError (no index) and stops the rest', async () => {
    const { client, fake } = await setup(engine, { latencyMs: 10 }, 4);
    const call = client.embed({ model: '', input: texts(1000) }).catch((e: unknown) => e);
    await waitFor(() => fake.stats().requests >= 20, '20 requests');
    await registry!.close();
    const error = (await call) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/closed/);
    expect(error.message).not.toMatch(/text \d+ of 1000/);
    const sent = await settledRequestCount(fake);
    expect(sent).toBeLessThan(100);
  });
});

describe.each(ENGINES)('%s: Cohere batches fan out too', (engine) => {
  it('sends batches of 96 side by side and names the texts of the batch that failed', async () => {
    const { client, fake } = await setup(
      engine,
      {
        latencyMs: 10,
        script: [
          { match: { body: '"row 300"' }, fault: { kind: 'status', status: 400, type: 'ValidationException', message: 'bad batch' } },
        ],
      },
      4,
      COHERE,
    );
    const input = Array.from({ length: 500 }, (_, i) => `row ${i}`);
    const error = (await client.embed({ model: '', input }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ModelBadRequestError);
    // row 300 sits in the fourth batch: texts 288–383.
    expect(error.message).toContain('texts 288–383 of 500');
    expect(fake.stats().peakInFlight).toBeGreaterThan(1);
  });
});
