// Shadow mode's tap on the Stainless SDKs (OpenAI, Anthropic): wraps whatever fetch the SDK is
// given. With no capture current it is one AsyncLocalStorage lookup and a direct call; for a
// captured call it records the request as sent and a copy of the response (the SDK reads the
// original, untouched object: error-body bookkeeping keyed by it keeps working).
import { type WireCapture, beginAttempt, currentCapture, headersRecord } from '../../core/wire-capture.ts';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function bodyText(body: RequestInit['body'] | undefined): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  if (body instanceof URLSearchParams) return body.toString();
  // Streams and form data are not sent by our calls; recorded as unknown rather than consumed.
  return '';
}

export function wireTapFetch<F extends FetchLike>(inner: F): F {
  // Not async itself: with no capture current the SDK gets inner's promise as it is.
  const tapped = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const capture = currentCapture();
    return capture ? captured(capture, input, init) : inner(input, init);
  };
  const captured = async (capture: WireCapture, input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const attempt = beginAttempt(capture, {
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      url,
      headers: headersRecord(headers.entries()),
      bodyText: bodyText(init?.body),
    });
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      attempt.transportError = error instanceof Error ? error.name : typeof error;
      throw error;
    }
    let text = '';
    try {
      text = await response.clone().text();
    } catch (error) {
      attempt.transportError = error instanceof Error ? error.name : typeof error;
      return response;
    }
    attempt.response = { status: response.status, headers: headersRecord(response.headers.entries()), bodyText: text };
    return response;
  };
  return tapped as F;
}
