// `compare --live` and `record` against an endpoint that does not answer must stop at once with one
// line naming the alias, the endpoint and the cause (issue 12 item 5, issue 29 item 3), not spend
// every engine's retries on every call and then call the run "in parity". The probe itself is the
// facade's (src/facade/endpoint-probe.ts), shared with `dd-models generate` and `health`.
import { unreachableEndpoints, unreachableText } from '../../facade/endpoint-probe.ts';
import type { WorkloadCall } from '../record/workload.ts';

/** An endpoint that could not be reached: the run stops, the CLI exits 1 with this one line. */
export class LiveEndpointUnreachable extends Error {
  override readonly name = 'LiveEndpointUnreachable';
  readonly alias: string;
  readonly endpoint: string;
  readonly reason: string;
  /** What the run did not do, e.g. "nothing was compared against it". */
  constructor(alias: string, endpoint: string, reason: string, outcome = 'nothing was compared against it') {
    super(`alias "${alias}": ${unreachableText(endpoint, reason)}; ${outcome}`);
    this.alias = alias;
    this.endpoint = endpoint;
    this.reason = reason;
  }
}

/** Probes each distinct endpoint of the workload once, before any call; throws for the first dead one. */
export async function checkLiveEndpoints(calls: readonly WorkloadCall[], outcome?: string): Promise<void> {
  const dead = await unreachableEndpoints(calls.map((call) => call.provider.endpoint));
  const first = calls.find((call) => dead.has(call.provider.endpoint));
  if (first) throw new LiveEndpointUnreachable(first.alias, first.provider.endpoint, dead.get(first.provider.endpoint)!, outcome);
}
