// `compare --live` against an endpoint that does not answer must stop at once with one line
// naming the alias, the endpoint and the cause (issue 12 item 5), not spend every engine's
// retries on every call and then call the run "in parity".
import { request } from 'undici';
import { printableEndpoint } from './report-meta.ts';
import type { WorkloadCall } from '../record/workload.ts';

/** How long a reachability probe may take before the endpoint counts as unreachable. */
export const PROBE_TIMEOUT_MS = 5_000;

/** An endpoint that could not be reached: the run stops, compare exits 1 with this one line. */
export class LiveEndpointUnreachable extends Error {
  override readonly name = 'LiveEndpointUnreachable';
  readonly alias: string;
  readonly endpoint: string;
  readonly reason: string;
  constructor(alias: string, endpoint: string, reason: string) {
    super(`alias "${alias}": endpoint ${printableEndpoint(endpoint)} is unreachable (${reason}); nothing was compared against it`);
    this.alias = alias;
    this.endpoint = endpoint;
    this.reason = reason;
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
 * refused. No credential is sent: the probe is a bare HEAD request.
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

/** Probes each distinct endpoint of the workload once, before any call; throws for the first dead one. */
export async function checkLiveEndpoints(calls: readonly WorkloadCall[], timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const seen = new Set<string>();
  for (const call of calls) {
    const endpoint = call.provider.endpoint;
    if (seen.has(endpoint)) continue;
    seen.add(endpoint);
    const reason = await probeEndpoint(endpoint, timeoutMs);
    if (reason !== undefined) throw new LiveEndpointUnreachable(call.alias, endpoint, reason);
  }
}
