// A loopback server speaking the OpenAI, Anthropic and Bedrock wire protocols (docs/contract.md "Fake provider"): the
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
import { controlReply, isControlPath } from './control-routes.ts';
import { StatsRecorder, type FakeProviderStats } from './fake-stats.ts';
import { capacityReply, noiseReply, rateLimitHeaders, rateReply } from './limit-replies.ts';
import { limitChangeSchema, NO_LIMITS, scheduleSchema, type LimitSettings, type ScheduleInput } from './limit-settings.ts';
import { ProviderLimits } from './provider-limits.ts';

export type { FakeProviderStats } from './fake-stats.ts';
export type { ScheduleInput } from './limit-settings.ts';

export interface FakeProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every answer (not before capacity rejections, which a gateway sends at once). */
  latencyMs?: number;
  /** Requests allowed in flight at once; the next one gets a 429 (OpenAI/Anthropic with `retry-after`). */
  capacity?: number;
  /** `retry-after` seconds on capacity 429s. */
  retryAfterSeconds?: number;
  /** Request-rate bucket: refill in requests per minute. Unset: no request-rate limit. */
  requestsPerMinute?: number;
  /** Request-rate bucket size (burst); default `requestsPerMinute` (a full minute's worth). */
  requestBurst?: number;
  /** Token-rate bucket: refill in tokens per minute, charging prompt tokens + max_tokens. Unset: no token-rate limit. */
  tokensPerMinute?: number;
  /** Token-rate bucket size (burst); default `tokensPerMinute`. */
  tokenBurst?: number;
  /** Probability in [0, 1] that an admitted request gets a transient 429/529 instead of an answer. */
  noiseRate?: number;
  /** Statuses noise picks from (uniformly); default `[429]`. 529 is Anthropic's overload; OpenAI and Bedrock answer 503 for it. */
  noiseStatuses?: (429 | 529)[];
  /** `retry-after` seconds on noise answers; `null` sends none; default 1. Bedrock never gets one. */
  noiseRetryAfterSeconds?: number | null;
  /** Limit changes at given seconds after start (and after each reset). */
  schedule?: ScheduleInput;
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

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** What to configure as each provider's `endpoint`. */
  readonly endpoints: Record<ProviderType, string>;
  stats(): FakeProviderStats;
  /**
   * Zeroes the stats and restarts the timeline, puts the limits back to the start options with
   * full buckets and re-arms the schedule from now (`POST /_fake/reset` does the same).
   */
  reset(): FakeProviderStats;
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

/** The start limits from the options, checked like a schedule step so a bad value names itself. */
function initialLimits(options: FakeProviderOptions): LimitSettings {
  const parsed = limitChangeSchema.safeParse({
    capacity: options.capacity,
    requestsPerMinute: options.requestsPerMinute,
    requestBurst: options.requestBurst,
    tokensPerMinute: options.tokensPerMinute,
    tokenBurst: options.tokenBurst,
    noiseRate: options.noiseRate,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`startFakeProvider: ${issue.path.join('.')}: ${issue.message}`);
  }
  const limits = { ...NO_LIMITS };
  for (const [key, value] of Object.entries(parsed.data)) if (value !== undefined) (limits as Record<string, unknown>)[key] = value;
  return limits;
}

function parseSchedule(schedule: ScheduleInput | undefined): ReturnType<typeof scheduleSchema.parse> {
  const parsed = scheduleSchema.safeParse(schedule ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `startFakeProvider: schedule${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
    );
  }
  return parsed.data;
}

function withHeaders(reply: FakeReply, headers: Record<string, string>): FakeReply {
  return Object.keys(headers).length === 0 ? reply : { ...reply, headers: { ...reply.headers, ...headers } };
}

function modelOf(request: FakeRequest, route: RouteMatch): string {
  const body = request.body as { model?: unknown } | undefined;
  return typeof body?.model === 'string' ? body.model : (route.modelId ?? 'the model');
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const latencyMs = options.latencyMs ?? 0;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const requireAuth = options.requireAuth ?? true;
  const script = faultScriptSchema.parse(options.script ?? []);
  if (options.faultRate !== undefined && options.faultRate > 0) {
    const kinds = faultScriptSchema.parse([{ rate: options.faultRate, fault: options.faultKinds ?? [{ kind: 'status', status: 500 }] }]);
    script.faults.push(...kinds.faults);
  }
  const plan = new FaultPlan(script, options.seed);
  const noiseStatuses = options.noiseStatuses ?? [429];
  const noiseRetryAfter = options.noiseRetryAfterSeconds === null ? null : String(options.noiseRetryAfterSeconds ?? 1);
  const verifySigV4 = options.awsCredentials ? createSigV4Verifier(options.awsCredentials) : undefined;
  const context = { embeddingDimensions: options.embeddingDimensions ?? 64, latencyMs };

  // Limits run on a monotonic clock; RFC 3339 resets are wall time derived from it.
  const clock = (): number => performance.now();
  const wallOffset = Date.now() - clock();
  const limits = new ProviderLimits(initialLimits(options), parseSchedule(options.schedule), options.seed ?? 1, clock());
  const stats = new StatsRecorder(clock());
  const snapshot = (): FakeProviderStats => {
    const now = clock();
    limits.sync(now);
    return stats.snapshot(now, limits.settings, limits.applied);
  };
  const reset = (): FakeProviderStats => {
    const now = clock();
    limits.reset(now);
    stats.reset(now);
    return snapshot();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const pathname = new URL(url, 'http://127.0.0.1').pathname;
    if (isControlPath(pathname)) {
      req.resume();
      send(res, controlReply(method, pathname, { stats: snapshot, reset }));
      return;
    }
    // A reachability probe (the CLIs' bare HEAD, src/facade/endpoint-probe.ts) is no model call:
    // answered as an API answers a method it does not serve, and left out of every count.
    if (method === 'HEAD') {
      req.resume();
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const requestNumber = stats.started(clock());
    res.on('close', () => stats.closed());
    res.on('finish', () => stats.answered(res.statusCode, clock()));
    const rawBody = await readBody(req);
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
      send(
        res,
        openaiProtocol.error(
          404,
          `Unknown request URL: ${method} ${pathname}. The fake provider serves POST /v1/chat/completions, /v1/embeddings, /v1/messages, /model/{modelId}/converse and /model/{modelId}/invoke.`,
          { code: 'unknown_url' },
        ),
      );
      return;
    }
    stats.routed(protocol.provider);

    const now = clock();
    limits.sync(now);
    // The rate-limit headers describe the buckets after this request's admission (or refusal).
    const limitHeaders = (): Record<string, string> =>
      rateLimitHeaders(protocol.provider, { requests: limits.requestView(now), tokens: limits.tokenView(now) }, wallOffset + now);

    if (limits.overCapacity(stats.inFlight)) {
      stats.rejected('capacity', now);
      send(res, withHeaders(capacityReply(protocol, limits.settings.capacity ?? 0, retryAfter), limitHeaders()));
      return;
    }
    // A request without credentials never reaches the rate limiter (it is refused below with a 401).
    const unauthorized = requireAuth ? protocol.authorize(request) : undefined;
    if (!unauthorized) {
      const cost = protocol.tokenCost(route, request);
      const decision = limits.admit(cost, now);
      if (!decision.ok) {
        stats.rejected(decision.reason, now);
        send(res, withHeaders(rateReply(protocol, decision, modelOf(request, route)), limitHeaders()));
        return;
      }
      stats.admittedTokens(cost, now);
      const noise = limits.noise(noiseStatuses);
      if (noise !== undefined) {
        stats.rejected('noise', now);
        send(res, withHeaders(noiseReply(protocol, noise, noiseRetryAfter), limitHeaders()));
        return;
      }
    }
    const headers = limitHeaders();
    if (latencyMs > 0) await sleep(latencyMs);

    const fault = plan.next({ provider: protocol.provider, operation: route.operation, path: pathname, body: rawBody });
    if (fault) stats.fault();
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      send(res, withHeaders(statusFault(protocol, fault), headers));
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);

    let reply = unauthorized;
    if (
      !reply &&
      verifySigV4 &&
      protocol.provider === 'bedrock' &&
      String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')
    ) {
      const check = await verifySigV4(request);
      if (!check.ok) reply = protocol.error(403, check.message, { type: check.type });
    }
    reply ??= protocol.answer(route, request, { ...context, requestNumber });
    reply = withHeaders(reply, headers);
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
    stats: snapshot,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
