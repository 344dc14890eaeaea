// A TCP proxy that adds network latency (issue 28, the fleet benchmark at 0, 1 and 3 ms RTT): every
// connection to the proxy's loopback port is forwarded to one target, and each byte is held for
// rtt/2 in each direction, in order (one queue per direction, drained by one timer at a time).
// Node's timers tick in whole milliseconds, so the delay actually added is at least what was asked
// and usually a little more: `measureRoundTrip` times it, and the benchmark reports that figure.
// Bounded: a direction holding more than MAX_QUEUED_BYTES stops reading its source until it drains.
import { connect, createServer, type Server, type Socket } from 'node:net';

const MAX_QUEUED_BYTES = 1 << 20;

export interface DelayProxy {
  readonly port: number;
  readonly rttMs: number;
  close(): Promise<void>;
}

/** One direction of one connection: what `from` sent, written to `to` rtt/2 later, in order. */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: { due: number; chunk?: Buffer }[] = [];
  let queued = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drain = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) {
      const { chunk } = queue.shift()!;
      if (!chunk) {
        to.end();
        return;
      }
      queued -= chunk.length;
      to.write(chunk);
    }
    if (from.isPaused() && queued < MAX_QUEUED_BYTES) from.resume();
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0].due - now));
  };
  const push = (chunk?: Buffer): void => {
    queue.push({ due: performance.now() + delayMs, ...(chunk ? { chunk } : {}) });
    if (chunk) queued += chunk.length;
    if (queued >= MAX_QUEUED_BYTES) from.pause();
    timer ??= setTimeout(drain, delayMs);
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push());
  const stop = (): void => {
    clearTimeout(timer);
    queue.length = 0;
  };
  from.on('close', () => {
    // A source that closed without ending (reset) takes its peer down with it.
    if (!from.readableEnded) {
      stop();
      to.destroy();
    }
  });
  to.on('close', stop);
}

/** Listens on a free loopback port and forwards every connection to `target` with `rttMs` added. */
export async function startDelayProxy(target: { host: string; port: number }, rttMs: number): Promise<DelayProxy> {
  if (!(rttMs >= 0) || !Number.isFinite(rttMs)) throw new Error(`the delay proxy's RTT must be a number of ms >= 0 (got ${rttMs})`);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    // Half-open both ways: an end travels (delayed) to the other side; each direction closes on its own.
    const upstream = connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A failure on one side closes both; nothing is thrown at the process.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    delayedPipe(client, upstream, rttMs / 2);
    delayedPipe(upstream, client, rttMs / 2);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the delay proxy has no port');
  return {
    port: address.port,
    rttMs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The round trip a one-line exchange takes through `port` (the median of `samples`), in ms: the
 * target must answer each line it gets with a line (Redis answers `PING\r\n` with `+PONG\r\n`).
 */
export async function measureRoundTrip(port: number, line: string, samples: number): Promise<number> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer through the delay proxy within 5000 ms`)), 5_000);
        socket.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.write(line);
      });
      times.push(performance.now() - started);
    }
  } finally {
    socket.destroy();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
