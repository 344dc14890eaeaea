// Is a provider endpoint there at all? Asked once per endpoint before a run that would otherwise
// spend every engine's retries on every call against a dead port (issue 12 item 5, issue 29 item 3):
// `compare --live`, `record`, `dd-models generate` and `dd-models health` share this probe, and
// all of them say the same thing: the endpoint (as printed everywhere: no query, no credentials)
// and the network cause with its errno (`connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND …`).
import { request } from 'undici';

/** How long a reachability probe may take before the endpoint counts as unreachable. */
export const PROBE_TIMEOUT_MS = 5_000;

/** An endpoint as it may be printed: scheme, host and path (no query, no `user:password@`). */
export function printableEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The innermost useful words of a network failure: `ECONNREFUSED 127.0.0.1:1`, `ENOTFOUND host`. */
export function networkCause(error: unknown): string {
  let current: unknown = error;
  let best = error instanceof Error ? error.message : String(error);
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
    if (e.name === 'TimeoutError') return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
    if (typeof e.code === 'string' && e.code.startsWith('E'))
      return typeof e.message === 'string' && e.message.includes(e.code)
        ? e.message
        : `${e.code}${typeof e.message === 'string' ? `: ${e.message}` : ''}`;
    if (typeof e.message === 'string' && e.message) best = e.message;
    current = e.cause;
  }
  return best;
}

/**
 * Any HTTP answer (401, 404 included) proves the endpoint is there; only a failure to get one is
 * refused. No credential is sent: the probe is a bare HEAD request. Returns why not, or undefined.
 */
export async function probeEndpoint(endpoint: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  try {
    // undici, not fetch: fetch refuses "bad ports" an engine would still call.
    const response = await request(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    await response.body.dump().catch(() => {});
    return undefined;
  } catch (error) {
    return networkCause(error);
  }
}

/** Probes each distinct endpoint once, all at the same time; the reason for each unreachable one. */
export async function unreachableEndpoints(endpoints: Iterable<string>, timeoutMs = PROBE_TIMEOUT_MS): Promise<Map<string, string>> {
  const distinct = [...new Set(endpoints)];
  const reasons = await Promise.all(distinct.map((endpoint) => probeEndpoint(endpoint, timeoutMs)));
  return new Map(distinct.flatMap((endpoint, i) => (reasons[i] === undefined ? [] : [[endpoint, reasons[i]] as const])));
}

/** The one sentence every command prints for a dead endpoint. */
export function unreachableText(endpoint: string, reason: string): string {
  return `endpoint ${printableEndpoint(endpoint)} is unreachable (${reason})`;
}
