// Shadow mode's tap on the legacy transport: records one attempt of a captured call (request as
// sent, response as read, or the transport error). Only reached when a capture is current.
import { beginAttempt, type WireCapture } from '../../core/wire-capture.ts';
import type { HttpRequestSpec, HttpResponseData } from './http-exchange.ts';

export async function tappedSend(
  capture: WireCapture,
  spec: HttpRequestSpec,
  send: () => Promise<HttpResponseData>,
): Promise<HttpResponseData> {
  const attempt = beginAttempt(capture, {
    method: spec.method,
    url: spec.url.href,
    headers: Object.fromEntries(Object.entries(spec.headers).map(([name, value]) => [name.toLowerCase(), value])),
    bodyText: spec.body,
  });
  try {
    const response = await send();
    attempt.response = { status: response.status, headers: { ...response.headers }, bodyText: response.bodyText };
    return response;
  } catch (error) {
    attempt.transportError = error instanceof Error ? error.name : typeof error;
    throw error;
  }
}
