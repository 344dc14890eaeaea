// The fast, honest path for generated requests: one real loopback HTTP server per provider, and
// one long-lived client per provider × engine built through the public engine switch
// (src/engine.ts), exactly as the registry builds them. Every case goes through `client.chat`,
// over a real socket, and the body judged is the one that reached the server. The server answers
// every request with a real 2xx body from the wire corpus (named below), so an engine always
// completes; nothing of ours is mocked. Measured on the 2-core CI machine (60 generated-set chat
// calls): a server and client per call (run-fixture.ts) costs 22 ms (legacy) / 40 ms (v2) per
// call; this rig 1.8 ms / 3.9 ms — 2,000 cases × 3 providers × 2 engines fit in well under 60 s.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { modelConfigSchema, modelProviderSchema, resolveProvider } from '../../../src/config/schemas.ts';
import { DataDesignerError } from '../../../src/core/errors.ts';
import type { EngineName, ModelClient, Runtime } from '../../../src/core/model-client.ts';
import type { DialectName } from '../../../src/core/dialects/server-dialect.ts';
import type { ChatRequest, ProviderType } from '../../../src/core/types.ts';
import { loadClientFactory } from '../../../src/engine.ts';
import { DEFAULT_BASE_URLS } from '../../../src/parity/fixture-shape.ts';
import { REPLAY_API_KEY, REPLAY_EPOCH_MS, REPLAY_RANDOM } from '../../../src/testing/run-fixture.ts';
import { WIRE_CORPUS_DIR } from '../../shared-reference.ts';

export const CHAT_MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
};

/** The canned answer per provider: a recorded 2xx exchange (its `source`). */
export const ANSWER_SOURCES: Record<ProviderType, string> = {
  openai: 'openai/chat_system_prompt_text.json',
  anthropic: 'anthropic/system_prompt_text.json',
  bedrock: 'bedrock/converse_system_text.json',
};

export interface WireRequest {
  method: string;
  path: string;
  body: unknown;
}

/** How one call ended: bodies sent (and an answer read), or an error thrown. */
export interface CallResult {
  provider: ProviderType;
  engine: EngineName;
  requests: WireRequest[];
  ok: boolean;
  error?: { type: string; message: string; typed: boolean; status?: number; causeChain: string[] };
  ms: number;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const FRAMING = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

function loadAnswer(provider: ProviderType): Answer {
  const raw = JSON.parse(readFileSync(resolve(WIRE_CORPUS_DIR, ANSWER_SOURCES[provider]), 'utf8')) as {
    exchanges: { response: { status: number; headers?: Record<string, string>; body: unknown } }[];
  };
  const response = raw.exchanges[0].response;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) if (!FRAMING.has(name.toLowerCase())) headers[name] = value;
  headers['content-type'] ??= 'application/json';
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  return { status: response.status, headers, body };
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function causeChain(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth += 1) {
    out.push(`${current.name}: ${current.message}`);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

/** One provider's loopback server and the clients of every engine asked for. */
class ProviderRig {
  readonly provider: ProviderType;
  private readonly server: Server;
  readonly clients: Map<EngineName, ModelClient>;
  /** Filled by the server as requests arrive. */
  readonly requests: WireRequest[];

  private constructor(provider: ProviderType, server: Server, clients: Map<EngineName, ModelClient>, requests: WireRequest[]) {
    this.provider = provider;
    this.server = server;
    this.clients = clients;
    this.requests = requests;
  }

  static async start(provider: ProviderType, engines: readonly EngineName[], dialect?: DialectName): Promise<ProviderRig> {
    const answer = loadAnswer(provider);
    const requests: WireRequest[] = [];
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        requests.push({ method: incoming.method ?? 'GET', path: incoming.url ?? '/', body: parse(Buffer.concat(chunks).toString('utf8')) });
        outgoing.writeHead(answer.status, answer.headers);
        outgoing.end(answer.body);
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const base = new URL(DEFAULT_BASE_URLS[provider]);
    const providerConfig = resolveProvider(
      modelProviderSchema.parse({
        name: `${provider}${dialect ? `-${dialect}` : ''}-generated`,
        endpoint: `http://127.0.0.1:${port}${base.pathname.replace(/\/+$/, '')}`,
        providerType: provider,
        apiKey: REPLAY_API_KEY,
        ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}),
        ...(dialect ? { dialect } : {}),
      }),
      {},
    );
    const model = modelConfigSchema.parse({
      alias: 'generated',
      model: CHAT_MODELS[provider],
      provider: providerConfig.name,
      inferenceParameters: {},
    });
    const runtime: Runtime = {
      now: () => REPLAY_EPOCH_MS,
      random: () => REPLAY_RANDOM,
      // A 2xx answer never asks for a retry; a sleep would mean the engine retried a canned 200.
      sleep: async () => {
        throw new Error('generated rig: an engine asked to sleep (retry) after a canned 2xx answer');
      },
    };
    const clients = new Map<EngineName, ModelClient>();
    for (const engine of engines) {
      const factory = await loadClientFactory(engine);
      clients.set(engine, await factory({ provider: providerConfig, model, runtime }));
    }
    return new ProviderRig(provider, server, clients, requests);
  }

  async call(engine: EngineName, request: ChatRequest, timeoutMs: number): Promise<CallResult> {
    const client = this.clients.get(engine);
    if (!client) throw new Error(`generated rig: no ${engine} client for ${this.provider}`);
    const before = this.requests.length;
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`generated case exceeded ${timeoutMs} ms`)), timeoutMs);
    let error: CallResult['error'];
    try {
      await client.chat(structuredClone(request), { signal: abort.signal });
    } catch (caught) {
      const typed = caught instanceof DataDesignerError;
      const type = typed ? caught.name : caught instanceof Error ? `Unmapped:${caught.name}` : `Unmapped:${typeof caught}`;
      error = {
        type,
        typed,
        message: caught instanceof Error ? caught.message : String(caught),
        status: typed ? caught.status : undefined,
        causeChain: causeChain(caught),
      };
    } finally {
      clearTimeout(timer);
    }
    return {
      provider: this.provider,
      engine,
      requests: this.requests.slice(before),
      ok: error === undefined,
      error,
      ms: performance.now() - started,
    };
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) await client.close().catch(() => {});
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** Every provider × engine asked for, and an OpenAI provider per dialect asked for, ready to take calls one after the other. */
export class WireRig {
  private readonly rigs: Map<ProviderType, ProviderRig>;
  private readonly dialectRigs: Map<DialectName, ProviderRig>;

  private constructor(rigs: Map<ProviderType, ProviderRig>, dialectRigs: Map<DialectName, ProviderRig>) {
    this.rigs = rigs;
    this.dialectRigs = dialectRigs;
  }

  static async start(
    providers: readonly ProviderType[],
    engines: readonly EngineName[],
    dialects: readonly DialectName[] = [],
  ): Promise<WireRig> {
    const rigs = new Map<ProviderType, ProviderRig>();
    for (const provider of providers) rigs.set(provider, await ProviderRig.start(provider, engines));
    const dialectRigs = new Map<DialectName, ProviderRig>();
    for (const dialect of dialects) dialectRigs.set(dialect, await ProviderRig.start('openai', engines, dialect));
    return new WireRig(rigs, dialectRigs);
  }

  /** The same call to an OpenAI provider configured with `dialect` (started with it). */
  callDialect(dialect: DialectName, engine: EngineName, request: ChatRequest, timeoutMs = 10_000): Promise<CallResult> {
    const rig = this.dialectRigs.get(dialect);
    if (!rig) throw new Error(`generated rig: dialect ${dialect} not started`);
    return rig.call(engine, request, timeoutMs);
  }

  /** Sequential per provider: the bodies that arrive between start and end are this call's. */
  call(provider: ProviderType, engine: EngineName, request: ChatRequest, timeoutMs = 10_000): Promise<CallResult> {
    const rig = this.rigs.get(provider);
    if (!rig) throw new Error(`generated rig: provider ${provider} not started`);
    return rig.call(engine, request, timeoutMs);
  }

  async close(): Promise<void> {
    for (const rig of [...this.rigs.values(), ...this.dialectRigs.values()]) await rig.close();
  }
}
