// Loopback control routes for a fake provider running in its own process (the benchmark):
// `GET /_fake/stats` and `POST /_fake/reset`. No provider path starts with `/_fake/` (OpenAI
// `/v1/…`, `/chat/…`, `/embeddings`; Anthropic `/v1/messages`; Bedrock `/model/…`), so they cannot
// collide; they need no credentials, are not counted in the stats and never meet a limit or fault.
import type { FakeReply } from './provider-protocol.ts';
import { jsonReply } from './provider-protocol.ts';
import type { FakeProviderStats } from './fake-stats.ts';

export const CONTROL_PREFIX = '/_fake/';

export interface ControlTarget {
  stats(): FakeProviderStats;
  reset(): FakeProviderStats;
}

export function isControlPath(pathname: string): boolean {
  return pathname.startsWith(CONTROL_PREFIX);
}

export function controlReply(method: string, pathname: string, target: ControlTarget): FakeReply {
  if (pathname === '/_fake/stats' && method === 'GET') return jsonReply(200, target.stats());
  if (pathname === '/_fake/reset' && method === 'POST') return jsonReply(200, target.reset());
  return jsonReply(404, {
    error: { message: `Unknown control route: ${method} ${pathname}. The fake provider serves GET /_fake/stats and POST /_fake/reset.` },
  });
}
