// A loopback node:http server that answers attempt n with step n of a script (the last step
// repeats). Provider-shaped bodies come from the fake provider's protocol modules, whose error
// envelopes and answers follow the wire corpus; the faults are what a network or a misbehaving
// gateway does to them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderType } from '../../../src/core/types.ts';
import { anthropicProtocol } from '../../../src/testing/fake-provider/anthropic-protocol.ts';
import { bedrockProtocol } from '../../../src/testing/fake-provider/bedrock-protocol.ts';
import { openaiProtocol } from '../../../src/testing/fake-provider/openai-protocol.ts';
import type { FakeReply, FakeRequest, ProviderProtocol } from '../../../src/testing/fake-provider/provider-protocol.ts';

export type Step =
  /** The provider's normal answer. */
  | { kind: 'answer' }
  /** An error in the provider's own envelope, plus extra headers. */
  | { kind: 'error'; status: number; headers?: Record<string, string> }
  /** A raw response: status, headers and body exactly as given. */
  | { kind: 'raw'; status: number; headers?: Record<string, string>; body: string }
  /** The provider's normal answer, but the body is a different provider's answer (wrong endpoint). */
  | { kind: 'foreign-answer' }
  /** The normal answer cut in half, as a complete response (content-length matches the cut). */
  | { kind: 'truncated-answer' }
  /** The socket is destroyed before any byte of the response. */
  | { kind: 'reset-before-body' }
  /** Headers and half the promised body, then the socket is destroyed. */
  | { kind: 'reset-mid-body' }
  /** Never answers. */
  | { kind: 'stall' };

export const PROTOCOLS: Record<ProviderType, ProviderProtocol> = {
  openai: openaiProtocol,
  anthropic: anthropicProtocol,
  bedrock: bedrockProtocol,
};

/** Bedrock statuses that carry an `x-amzn-errortype` (bedrock-protocol.ts); others come from a gateway without one. */
const BEDROCK_TYPED_STATUSES = new Set([400, 401, 403, 404, 408, 424, 429, 500, 503]);

/** Whose answer a wrong endpoint returns: a real answer, just not this provider's shape. */
const FOREIGN: Record<ProviderType, ProviderType> = { openai: 'anthropic', anthropic: 'openai', bedrock: 'openai' };

export interface ScriptedProvider {
  readonly endpoint: string;
  /** Requests received (every attempt that reached the server). */
  requests(): number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function encode(reply: FakeReply): { headers: Record<string, string>; payload: Buffer } {
  const payload = Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), 'utf8');
  return { headers: { ...reply.headers, 'content-length': String(payload.length) }, payload };
}

function normalAnswer(provider: ProviderType, req: IncomingMessage, rawBody: string, requestNumber: number): FakeReply {
  const protocol = PROTOCOLS[provider];
  const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const route = protocol.match(req.method ?? 'GET', pathname);
  if (!route) return protocol.error(404, `Unknown request URL: ${req.method} ${pathname}`);
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    body = undefined;
  }
  const request: FakeRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, rawBody };
  return protocol.answer(route, request, { embeddingDimensions: 8, requestNumber, latencyMs: 0 });
}

function foreignAnswer(provider: ProviderType, requestNumber: number): FakeReply {
  const other = FOREIGN[provider];
  const path = other === 'openai' ? '/v1/chat/completions' : '/v1/messages';
  const protocol = PROTOCOLS[other];
  const body = {
    model: other === 'openai' ? 'gpt-4o-mini' : 'claude-sonnet-4-5',
    max_tokens: 16,
    messages: [{ role: 'user', content: 'Name a colour.' }],
  };
  const request: FakeRequest = {
    method: 'POST',
    url: path,
    headers: { 'anthropic-version': '2023-06-01' },
    body,
    rawBody: JSON.stringify(body),
  };
  return protocol.answer(protocol.match('POST', path)!, request, { embeddingDimensions: 8, requestNumber, latencyMs: 0 });
}

function errorReply(provider: ProviderType, status: number, headers: Record<string, string> = {}): FakeReply {
  const reply = PROTOCOLS[provider].error(status, `Scripted failure: status ${status}.`);
  const merged = { ...reply.headers, ...headers };
  if (provider === 'bedrock' && !BEDROCK_TYPED_STATUSES.has(status)) delete merged['x-amzn-errortype'];
  return { ...reply, headers: merged };
}

export async function startScriptedProvider(provider: ProviderType, steps: readonly Step[]): Promise<ScriptedProvider> {
  let count = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const n = ++count;
    const rawBody = await readBody(req);
    const step = steps[Math.min(n, steps.length) - 1];
    switch (step.kind) {
      case 'stall':
        return;
      case 'reset-before-body':
        req.socket.destroy();
        return;
      case 'raw': {
        const payload = Buffer.from(step.body, 'utf8');
        res.writeHead(step.status, { ...step.headers, 'content-length': String(payload.length) });
        res.end(payload);
        return;
      }
      case 'error': {
        const { headers, payload } = encode(errorReply(provider, step.status, step.headers));
        res.writeHead(step.status, headers);
        res.end(payload);
        return;
      }
      case 'answer':
      case 'foreign-answer': {
        const reply = step.kind === 'answer' ? normalAnswer(provider, req, rawBody, n) : foreignAnswer(provider, n);
        const { headers, payload } = encode(reply);
        res.writeHead(reply.status, headers);
        res.end(payload);
        return;
      }
      case 'truncated-answer': {
        const reply = normalAnswer(provider, req, rawBody, n);
        const { headers, payload } = encode(reply);
        const kept = payload.subarray(0, Math.floor(payload.length / 2));
        res.writeHead(reply.status, { ...headers, 'content-length': String(kept.length) });
        res.end(kept);
        return;
      }
      case 'reset-mid-body': {
        const reply = normalAnswer(provider, req, rawBody, n);
        const { headers, payload } = encode(reply);
        res.writeHead(reply.status, headers);
        res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
        return;
      }
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: provider === 'openai' ? `${url}/v1` : url,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function refusedEndpoint(provider: ProviderType): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return provider === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
}
