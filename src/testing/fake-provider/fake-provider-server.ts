// A loopback server speaking the OpenAI, Anthropic and Bedrock wire protocols (SPEC §12): the
// benchmark's load target and the stand-in "real endpoint" for record tests. It answers from the
// request alone, rejects what the real services reject, and fails on request (capacity, faults).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderType } from '../../core/types.ts';
import { anthropicProtocol } from './anthropic-protocol.ts';
import { bedrockProtocol } from './bedrock-protocol.ts';
import { FaultPlan, faultScriptSchema, type Fault, type FaultInput, type FaultScriptInput } from './fault-script.ts';
import { openaiProtocol } from './openai-protocol.ts';
import { createSigV4Verifier, type AwsTestCredentials } from './sigv4-verifier.ts';
import { jsonReply, type FakeReply, type FakeRequest, type ProviderProtocol, type RouteMatch } from './provider-protocol.ts';

export interface FakeProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every answer (not before capacity rejections, which a gateway sends at once). */
  latencyMs?: number;
  /** Requests allowed in flight at once; the next one gets a 429 with `retry-after`. */
  capacity?: number;
  /** `retry-after` seconds on capacity 429s. */
  retryAfterSeconds?: number;
  /** Probability that a request gets one of `faultKinds`. */
  faultRate?: number;
  /** Faults `faultRate` picks from; default a 500. */
  faultKinds?: FaultInput[];
  /** Scripted faults (the `--script` JSON), checked before `faultRate`. */
  script?: FaultScriptInput;
  /** Seed for rates and random picks when the script has none. */
  seed?: number;
  /** Vector length when a request does not set one. */
  embeddingDimensions?: number;
  /** Set false to accept requests without credentials (keyless OpenAI-compatible servers). */
  requireAuth?: boolean;
  /**
   * When set, Bedrock SigV4 signatures are verified against these credentials (as AWS does,
   * host included) and a mismatch is a 403 InvalidSignatureException. Otherwise any SigV4
   * Authorization header is accepted unchecked.
   */
  awsCredentials?: AwsTestCredentials;
}

export interface FakeProviderStats {
  requests: number;
  inFlight: number;
  peakInFlight: number;
  rejectedByCapacity: number;
  faults: number;
  byStatus: Record<string, number>;
  byProvider: Record<ProviderType, number>;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** What to configure as each provider's `endpoint`. */
  readonly endpoints: Record<ProviderType, string>;
  stats(): FakeProviderStats;
  close(): Promise<void>;
}

const PROTOCOLS: readonly ProviderProtocol[] = [openaiProtocol, anthropicProtocol, bedrockProtocol];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function serialise(reply: FakeReply): { headers: Record<string, string>; payload: Buffer } {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const payload = Buffer.from(text, 'utf8');
  const headers = { ...reply.headers };
  if (typeof reply.body === 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'text/plain; charset=utf-8';
  }
  return { headers: { ...headers, 'content-length': String(payload.length) }, payload };
}

function send(res: ServerResponse, reply: FakeReply): void {
  if (res.destroyed) return;
  const { headers, payload } = serialise(reply);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function sendTruncated(res: ServerResponse, reply: FakeReply, fault: Extract<Fault, { kind: 'truncate' }>): void {
  if (res.destroyed) return;
  const { headers, payload } = serialise(reply);
  const kept = payload.subarray(0, Math.floor(payload.length * fault.keepFraction));
  if (fault.closeConnection) {
    // Promise the whole body, deliver part of it, hang up: the client sees a premature close.
    res.writeHead(reply.status, headers);
    res.write(kept, () => res.socket?.destroy());
    return;
  }
  res.writeHead(reply.status, { ...headers, 'content-length': String(kept.length) });
  res.end(kept);
}

function statusFault(protocol: ProviderProtocol, fault: Extract<Fault, { kind: 'status' }>): FakeReply {
  const base =
    fault.body !== undefined
      ? jsonReply(fault.status, fault.body)
      : protocol.error(fault.status, fault.message ?? `Injected fault: the fake provider answered ${fault.status}.`, {
          type: fault.type,
        });
  const headers = { ...base.headers, ...fault.headers };
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  return { ...base, headers };
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const latencyMs = options.latencyMs ?? 0;
  const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const requireAuth = options.requireAuth ?? true;
  const script = faultScriptSchema.parse(options.script ?? []);
  if (options.faultRate !== undefined && options.faultRate > 0) {
    const kinds = faultScriptSchema.parse([{ rate: options.faultRate, fault: options.faultKinds ?? [{ kind: 'status', status: 500 }] }]);
    script.faults.push(...kinds.faults);
  }
  const plan = new FaultPlan(script, options.seed);
  const verifySigV4 = options.awsCredentials ? createSigV4Verifier(options.awsCredentials) : undefined;
  const context = { embeddingDimensions: options.embeddingDimensions ?? 64, latencyMs };
  const stats: FakeProviderStats = {
    requests: 0,
    inFlight: 0,
    peakInFlight: 0,
    rejectedByCapacity: 0,
    faults: 0,
    byStatus: {},
    byProvider: { openai: 0, anthropic: 0, bedrock: 0 },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestNumber = ++stats.requests;
    stats.inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    res.on('close', () => {
      stats.inFlight--;
    });
    res.on('finish', () => {
      stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
    });
    const rawBody = await readBody(req);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const pathname = new URL(url, 'http://127.0.0.1').pathname;
    const request: FakeRequest = { method, url, headers: req.headers, body: parseJson(rawBody), rawBody };

    let protocol: ProviderProtocol | undefined;
    let route: RouteMatch | undefined;
    for (const candidate of PROTOCOLS) {
      route = candidate.match(method, pathname);
      if (route) {
        protocol = candidate;
        break;
      }
    }
    if (!protocol || !route) {
      send(res, openaiProtocol.error(404, `Unknown request URL: ${method} ${pathname}. The fake provider serves POST /v1/chat/completions, /v1/embeddings, /v1/messages, /model/{modelId}/converse and /model/{modelId}/invoke.`, { code: 'unknown_url' }));
      return;
    }
    stats.byProvider[protocol.provider]++;

    if (stats.inFlight > capacity) {
      stats.rejectedByCapacity++;
      send(
        res,
        protocol.error(429, `Too many concurrent requests: this server handles ${capacity} at a time. Wait before trying again.`, {
          retryAfter,
        }),
      );
      return;
    }
    if (latencyMs > 0) await sleep(latencyMs);

    const fault = plan.next({ provider: protocol.provider, operation: route.operation, path: pathname });
    if (fault) stats.faults++;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      send(res, statusFault(protocol, fault));
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);

    let reply = requireAuth ? protocol.authorize(request) : undefined;
    if (!reply && verifySigV4 && protocol.provider === 'bedrock' && String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      const check = await verifySigV4(request);
      if (!check.ok) reply = protocol.error(403, check.message, { type: check.type });
    }
    reply ??= protocol.answer(route, request, { ...context, requestNumber });
    if (fault?.kind === 'truncate') sendTruncated(res, reply, fault);
    else send(res, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the fake must surface as a 500 the test can see, not as a hung request.
      send(res, jsonReply(500, { error: { message: `fake provider failure: ${(error as Error).message}`, type: 'server_error' } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    endpoints: { openai: `${url}/v1`, anthropic: url, bedrock: url },
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
