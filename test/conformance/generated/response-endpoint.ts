// The HTTP boundary of the generated response suite: one real loopback server whose answer is
// set per case, and one client per engine and provider built through the engines' own factories
// (src/engine.ts), exactly as the replay harness builds them (src/testing/run-fixture.ts).
// A server per case (the replay server) costs ~4 ms a run; thousands of cases need the socket
// and the clients kept, while each case still crosses real HTTP on the engine's own transport.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelConfigSchema, modelProviderSchema, resolveProvider } from '../../../src/config/schemas.ts';
import type { EngineName, ModelClient, Runtime } from '../../../src/core/model-client.ts';
import type { ProviderType } from '../../../src/core/types.ts';
import { loadClientFactory } from '../../../src/engine.ts';
import { DEFAULT_BASE_URLS } from '../../../src/testing/fixture.ts';
import { REPLAY_API_KEY, REPLAY_EPOCH_MS, REPLAY_RANDOM } from '../../../src/testing/run-fixture.ts';

export interface Served {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON (every engine request here is JSON). */
  body: unknown;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; a string is sent as it is (raw JSON text). */
  body: unknown;
}

export type Responder = (request: Served) => Answer;

export interface ResponseEndpoint {
  readonly origin: string;
  /** The requests of the current case. */
  readonly requests: Served[];
  /** What the next requests are answered with; clears `requests`. */
  answerWith(responder: Responder): void;
  close(): Promise<void>;
}

async function readBody(incoming: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startResponseEndpoint(): Promise<ResponseEndpoint> {
  let responder: Responder = () => ({ status: 500, headers: { 'x-should-retry': 'false' }, body: { error: { message: 'no answer set' } } });
  const requests: Served[] = [];
  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const served: Served = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: incoming.headers, body };
    requests.push(served);
    let answer: Answer;
    try {
      answer = responder(served);
    } catch (error) {
      answer = { status: 500, headers: { 'x-should-retry': 'false' }, body: { error: { message: `responder failed: ${String(error)}` } } };
    }
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    outgoing.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers, 'content-length': Buffer.byteLength(text) });
    outgoing.end(text);
  };
  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    answerWith(next) {
      responder = next;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The replay harness's runtime: fixed clock and jitter, sleeps recorded and not waited. */
export function replayRuntime(sleeps: number[]): Runtime {
  let now = REPLAY_EPOCH_MS;
  return {
    now: () => now,
    random: () => REPLAY_RANDOM,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A client of `engine` for `provider` pointed at the endpoint (model from each request). */
export async function endpointClient(
  engine: EngineName,
  provider: ProviderType,
  generationType: 'chat-completion' | 'embedding',
  origin: string,
  sleeps: number[],
): Promise<ModelClient> {
  const base = new URL(DEFAULT_BASE_URLS[provider]);
  const resolved = resolveProvider(
    modelProviderSchema.parse({
      name: `${provider}-generated`,
      endpoint: `${origin}${base.pathname.replace(/\/+$/, '')}`,
      providerType: provider,
      apiKey: REPLAY_API_KEY,
      ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}),
    }),
    {},
  );
  const model = modelConfigSchema.parse({
    alias: 'generated',
    model: 'set-per-request',
    provider: resolved.name,
    inferenceParameters: generationType === 'embedding' ? { generationType: 'embedding' } : {},
  });
  const factory = await loadClientFactory(engine);
  return factory({ provider: resolved, model, runtime: replayRuntime(sleeps) });
}
