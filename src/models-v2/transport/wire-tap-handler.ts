// Shadow mode's tap on Bedrock: wraps the smithy request handler the client runs on
// (undici-http-handler.ts). It sees each attempt after signing (the credential headers are redacted
// before anything is kept past the call). With no capture current it is one AsyncLocalStorage
// lookup; the handler hands the SDK the body as bytes, which the tap records as they are.
import { type WireCapture, beginAttempt, currentCapture } from '../../core/wire-capture.ts';
import type { SmithyHandlerOptions, SmithyHttpRequest, SmithyHttpResponse, UndiciHttpHandler } from './undici-http-handler.ts';

function requestUrl(request: SmithyHttpRequest): string {
  const query = Object.entries(request.query ?? {}).flatMap(([k, v]) =>
    v === null
      ? [encodeURIComponent(k)]
      : (Array.isArray(v) ? v : [v]).map((item) => `${encodeURIComponent(k)}=${encodeURIComponent(item)}`),
  );
  return `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${query.length ? `?${query.join('&')}` : ''}`;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

/** The handler with the tap in front: `handle` records the attempt when a capture is current. */
export function wireTapHandler(inner: UndiciHttpHandler): UndiciHttpHandler {
  const handle = inner.handle.bind(inner);
  // Not async itself: with no capture current the SDK gets the handler's promise as it is.
  inner.handle = (request: SmithyHttpRequest, options?: SmithyHandlerOptions): Promise<{ response: SmithyHttpResponse }> => {
    const capture = currentCapture();
    return capture ? captured(capture, request, options) : handle(request, options);
  };
  const captured = async (
    capture: WireCapture,
    request: SmithyHttpRequest,
    options?: SmithyHandlerOptions,
  ): Promise<{ response: SmithyHttpResponse }> => {
    const attempt = beginAttempt(capture, {
      method: request.method.toUpperCase(),
      url: requestUrl(request),
      headers: lowerCased(request.headers),
      bodyText: bodyText(request.body),
    });
    try {
      const result = await handle(request, options);
      const { response } = result;
      attempt.response = { status: response.statusCode, headers: lowerCased(response.headers), bodyText: bodyText(response.body) };
      return result;
    } catch (error) {
      attempt.transportError = error instanceof Error ? error.name : typeof error;
      throw error;
    }
  };
  return inner;
}
