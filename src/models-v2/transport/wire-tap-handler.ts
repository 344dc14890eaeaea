// Shadow mode's tap on Bedrock: a subclass of whatever smithy request handler the client runs on.
// It sees each attempt after signing (the credential headers are redacted before anything is
// kept past the call). With no capture current it is one AsyncLocalStorage lookup; for a captured
// call the response body is read here once and handed on to the SDK as a fresh stream.
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { Readable } from 'node:stream';
import { beginAttempt, currentCapture } from '../../core/wire-capture.ts';

type HandlerClass = typeof NodeHttpHandler;

interface SmithyRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

function requestUrl(request: SmithyRequest): string {
  const query = Object.entries(request.query ?? {}).flatMap(([k, v]) =>
    v === null
      ? [encodeURIComponent(k)]
      : (Array.isArray(v) ? v : [v]).map((item) => `${encodeURIComponent(k)}=${encodeURIComponent(item)}`),
  );
  return `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${query.length ? `?${query.join('&')}` : ''}`;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return '';
}

export function wireTapHandlerClass(Base: HandlerClass): HandlerClass {
  return class WireTapHandler extends Base {
    override async handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
      const capture = currentCapture();
      if (!capture) return super.handle(...args);
      const request = args[0] as unknown as SmithyRequest;
      const attempt = beginAttempt(capture, {
        method: request.method.toUpperCase(),
        url: requestUrl(request),
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)])),
        bodyText: bodyText(request.body),
      });
      let result: Awaited<ReturnType<NodeHttpHandler['handle']>>;
      try {
        result = await super.handle(...args);
      } catch (error) {
        attempt.transportError = error instanceof Error ? error.name : typeof error;
        throw error;
      }
      const { response } = result;
      const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
      if (!(response.body instanceof Readable)) {
        attempt.response = { status: response.statusCode, headers, bodyText: '' };
        return result;
      }
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
      } catch (error) {
        attempt.transportError = error instanceof Error ? error.name : typeof error;
        // The SDK meets the same failure reading the body it is handed.
        response.body = new Readable({
          read() {
            this.destroy(error as Error);
          },
        });
        return result;
      }
      const bytes = Buffer.concat(chunks);
      attempt.response = { status: response.statusCode, headers, bodyText: bytes.toString('utf8') };
      response.body = Readable.from([bytes]);
      return result;
    }
  };
}
