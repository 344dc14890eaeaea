// A TCP proxy that adds network latency (issue 28, the fleet benchmark at 0, 1 and 3 ms RTT): every
// connection to the proxy's loopback port is forwarded to one target, and what the client sends is
// held for the whole RTT on its way out (in order: one queue, drained by one timer at a time);
// answers come back straight. Every exchange the fleet makes is a round trip, or a chain of them
// that goes out and back alternately (a response, a release to Redis, a grant pushed to another
// worker, its request), so only the sum of the two directions matters, and one timer per exchange
// instead of two halves Node's timer rounding (a timer fires in a whole millisecond, on average
// about half a millisecond late, which is asked for less). `measureRoundTrip` times what is
// actually added; the benchmark reports that figure.
// Bounded: a direction holding more than MAX_QUEUED_BYTES stops reading its source until it drains.
import { connect, createServer, type Server, type Socket } from 'node:net';

const MAX_QUEUED_BYTES = 1 << 20;
const TIMER_LATE_MS = 0.5;

export interface DelayProxy {
  readonly port: number;
  readonly rttMs: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A timer for `ms` from now. libuv fires a timer at the first loop turn at or after its due
 * millisecond, counted from the loop's clock, which was read (in whole ms) when the event arrived:
 * on average about TIMER_LATE_MS late. Asking that much less lands the average on `ms`.
 */
function timerMs(ms: number): number {
  return Math.max(0, ms - TIMER_LATE_MS);
}

/** One direction of one connection: what `from` sent, written to `to` `delayMs` later, in order (0: at once). */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: { due: number; chunk?: Buffer }[] = [];
  let queued = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drain = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now + TIMER_LATE_MS) {
      const { chunk } = queue.shift()!;
      if (!chunk) {
        to.end();
        return;
      }
      queued -= chunk.length;
      to.write(chunk);
    }
    if (from.isPaused() && queued < MAX_QUEUED_BYTES) from.resume();
    if (queue.length > 0) timer = setTimeout(drain, timerMs(queue[0].due - now));
  };
  const push = (chunk?: Buffer): void => {
    // Nothing to hold (and nothing held before it): straight through, no timer.
    if (delayMs === 0 && queue.length === 0) {
      if (chunk) to.write(chunk);
      else to.end();
      return;
    }
    queue.push({ due: performance.now() + delayMs, ...(chunk ? { chunk } : {}) });
    if (chunk) queued += chunk.length;
    if (queued >= MAX_QUEUED_BYTES) from.pause();
    timer ??= setTimeout(drain, timerMs(delayMs));
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
  let connections = 0;
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    connections += 1;
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
    delayedPipe(client, upstream, rttMs);
    delayedPipe(upstream, client, 0);
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
    get connections() {
      return connections;
    },
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
