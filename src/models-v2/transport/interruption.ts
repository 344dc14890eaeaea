// Recognises a transfer the network cut short — a reset socket, or a response whose body stopped
// mid-stream — wherever the SDK wrapped it. Such a failure is a connection error (retried with
// the connection budget, docs/engine-rules.md), not a malformed response and not a timeout:
// smithy names a socket hang-up `TimeoutError`, and fetch reports a cut body as
// `TypeError: terminated` with the socket error as its cause.

const INTERRUPTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const MAX_CAUSE_DEPTH = 6;

export function isTransportInterruption(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current && typeof current === 'object'; depth++) {
    const candidate = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && INTERRUPTION_CODES.has(candidate.code)) return true;
    if (candidate.name === 'SocketError') return true;
    if (candidate.name === 'TypeError' && candidate.message === 'terminated') return true;
    current = candidate.cause;
  }
  return false;
}
