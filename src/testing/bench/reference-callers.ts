// The bench's reference rows: what the same call costs without our engine around it.
//   floor        undici.request sending exactly the request(s) v2 sent, reading the JSON answer
//   floor-sigv4  Bedrock only: the same, signed per call with @smithy/signature-v4 (a signed call's floor)
//   sdk          the bare SDK with default settings, written the way a user would by hand, sending
//                the body v2 sent (Bedrock: with the Bedrock API key, as v2 does in the bench)
//   sdk-sigv4    Bedrock only: the bare SDK with static credentials (SigV4), as in the AWS docs
// Test-only code: it imports the SDKs directly.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { Agent, request } from 'undici';
import type { ProviderType } from '../../core/types.ts';
import type { CapturedRequest } from './request-capture.ts';

export type ReferenceVariant = 'floor' | 'floor-sigv4' | 'sdk' | 'sdk-sigv4';

export const REFERENCE_VARIANTS: Record<ProviderType, readonly ReferenceVariant[]> = {
  openai: ['floor', 'sdk'],
  anthropic: ['floor', 'sdk'],
  bedrock: ['floor', 'floor-sigv4', 'sdk', 'sdk-sigv4'],
};

export interface ReferenceCaller {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

export interface ReferenceTarget {
  provider: ProviderType;
  operation: 'chat' | 'embedding';
  /** The provider endpoint as configured for the engines (OpenAI's includes /v1). */
  endpoint: string;
  apiKey: string;
  region: string;
  /** What v2 sent for one call of this target (one request, or one per Titan text). */
  sent: readonly CapturedRequest[];
}

// Visibly fake: the fake provider does not verify signatures unless a test plants credentials.
export const BENCH_AWS_CREDENTIALS = { accessKeyId: 'AKIDBENCHNOTASECRET', secretAccessKey: 'bench-secret-not-a-secret' };

const NOT_REPLAYED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

function replayHeaders(sent: CapturedRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(sent.headers)) {
    if (!NOT_REPLAYED.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function origin(endpoint: string): string {
  return new URL(endpoint).origin;
}

function floorCaller(target: ReferenceTarget): ReferenceCaller {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const base = origin(target.endpoint);
  const requests = target.sent.map((sent) => ({
    url: `${base}${sent.path}`,
    method: sent.method,
    headers: replayHeaders(sent),
    body: sent.body,
  }));
  return {
    call: () =>
      Promise.all(
        requests.map(async ({ url, method, headers, body }) => {
          const answer = await request(url, { method: method as 'POST', headers, body, dispatcher });
          if (answer.statusCode >= 300) throw new Error(`floor request answered ${answer.statusCode}: ${await answer.body.text()}`);
          return answer.body.json();
        }),
      ),
    close: () => dispatcher.close(),
  };
}

function signedFloorCaller(target: ReferenceTarget): ReferenceCaller {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const url = new URL(target.endpoint);
  const signer = new SignatureV4({ service: 'bedrock', region: target.region, credentials: BENCH_AWS_CREDENTIALS, sha256: Sha256 });
  return {
    call: () =>
      Promise.all(
        target.sent.map(async (sent) => {
          const [path, query] = sent.path.split('?');
          const signed = await signer.sign({
            method: sent.method,
            protocol: url.protocol,
            hostname: url.hostname,
            port: url.port ? Number(url.port) : undefined,
            path,
            query: query ? Object.fromEntries(new URLSearchParams(query)) : {},
            headers: { host: url.host, 'content-type': 'application/json', accept: 'application/json' },
            body: sent.body,
          });
          const answer = await request(`${url.origin}${sent.path}`, {
            method: sent.method as 'POST',
            headers: signed.headers,
            body: sent.body,
            dispatcher,
          });
          if (answer.statusCode >= 300) throw new Error(`signed floor request answered ${answer.statusCode}: ${await answer.body.text()}`);
          return answer.body.json();
        }),
      ),
    close: () => dispatcher.close(),
  };
}

function bedrockModelId(sent: CapturedRequest): string {
  const found = /^\/model\/([^/]+)\//.exec(sent.path);
  if (!found) throw new Error(`not a Bedrock model path: ${sent.path}`);
  return decodeURIComponent(found[1]);
}

async function bedrockSdkCaller(target: ReferenceTarget, signed: boolean): Promise<ReferenceCaller> {
  const [{ BedrockRuntimeClient, ConverseCommand, InvokeModelCommand }, { NodeHttpHandler }] = await Promise.all([
    import('@aws-sdk/client-bedrock-runtime'),
    import('@smithy/node-http-handler'),
  ]);
  const client = new BedrockRuntimeClient({
    endpoint: target.endpoint,
    region: target.region,
    // The client's default handler speaks HTTP/2 only, which an HTTP/1.1 endpoint (the fake
    // provider, a recorder, most proxies) cannot serve: the SDK's HTTP/1.1 handler with its
    // defaults, the one change a user makes to reach such an endpoint.
    requestHandler: new NodeHttpHandler(),
    ...(signed ? { credentials: BENCH_AWS_CREDENTIALS } : { token: { token: target.apiKey }, authSchemePreference: ['httpBearerAuth'] }),
  });
  const calls = target.sent.map((sent) => {
    const modelId = bedrockModelId(sent);
    if (target.operation === 'chat') return () => client.send(new ConverseCommand({ modelId, ...JSON.parse(sent.body) }));
    return async () => {
      const output = await client.send(
        new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: sent.body }),
      );
      return JSON.parse(new TextDecoder().decode(output.body)) as unknown;
    };
  });
  return {
    call: () => Promise.all(calls.map((send) => send())),
    close: async () => client.destroy(),
  };
}

async function stainlessSdkCaller(target: ReferenceTarget): Promise<ReferenceCaller> {
  const bodies = target.sent.map((sent) => JSON.parse(sent.body) as Record<string, unknown>);
  if (target.provider === 'openai') {
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ baseURL: target.endpoint, apiKey: target.apiKey });
    const send: (body: Record<string, unknown>) => Promise<unknown> =
      target.operation === 'chat'
        ? (body: Record<string, unknown>) => client.chat.completions.create(body as never)
        : (body: Record<string, unknown>) => client.embeddings.create(body as never);
    return { call: () => Promise.all(bodies.map(send)), close: async () => undefined };
  }
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const client = new Anthropic({ baseURL: target.endpoint, apiKey: target.apiKey });
  // messages.create() console.warns on every call naming a deprecated model (the bench's
  // claude-sonnet-4-5 is one): the text is still built, but not written to the terminal.
  const warn = console.warn;
  console.warn = () => undefined;
  return {
    call: () => Promise.all(bodies.map((body) => client.messages.create(body as never))),
    close: async () => {
      console.warn = warn;
    },
  };
}

export async function referenceCaller(target: ReferenceTarget, variant: ReferenceVariant): Promise<ReferenceCaller> {
  switch (variant) {
    case 'floor':
      return floorCaller(target);
    case 'floor-sigv4':
      return signedFloorCaller(target);
    case 'sdk':
      return target.provider === 'bedrock' ? bedrockSdkCaller(target, false) : stainlessSdkCaller(target);
    case 'sdk-sigv4':
      return bedrockSdkCaller(target, true);
  }
}
