// Extra headers that cannot be sent as given are refused before any request (docs/engine-rules.md,
// Bounds): undici would throw on them at send time, which would look like a connection failure
// and be retried, and a `content-length` of the caller's would leave the server waiting.
import { firstHeaderProblem } from '../../core/header-problem.ts';
import { badRequest } from '../canonical/request-input-error.ts';

export function checkExtraHeaders(headers: Record<string, string> | undefined): void {
  const problem = firstHeaderProblem(headers);
  if (problem) {
    throw badRequest(`extra_headers: ${problem}`, "Remove or fix that header in extra_headers (or the provider's extraHeaders).");
  }
}
