// Refuses every TCP/TLS connection that is not to the loopback interface, and remembers it.
// The replay server records what reaches it; this catches what never does — an SDK resolving
// credentials over IMDS, a hard-coded production URL, a telemetry ping — which would otherwise
// pass silently (or hang) when the machine has network access.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1', '[::1]']);

type Connect = typeof net.Socket.prototype.connect;

interface Target {
  host: string;
  port: unknown;
}

// net.Socket#connect accepts (options), (port, host?), (path) — and Node's own net.connect /
// tls.connect hand it an already-normalised [options, callback] array.
function targetOf(args: unknown[]): Target | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; port?: unknown; path?: string };
    if (options.path) return undefined; // a local (unix/pipe) socket
    return { host: options.host ?? 'localhost', port: options.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  }
  return undefined; // a path string
}

export interface NetworkGuard {
  /** Destinations refused since the last `take()`. */
  take(): string[];
  uninstall(): void;
}

export function installNetworkGuard(): NetworkGuard {
  const original: Connect = net.Socket.prototype.connect;
  let refused: string[] = [];
  const guarded = function (this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (target && !LOOPBACK.has(target.host.toLowerCase())) {
      const where = `${target.host}:${String(target.port)}`;
      refused.push(where);
      const error = Object.assign(new Error(`network guard: connection to ${where} refused (tests may only reach 127.0.0.1)`), {
        code: 'ECONNREFUSED',
      });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded as unknown as Connect;
  return {
    take() {
      const out = refused;
      refused = [];
      return out;
    },
    uninstall() {
      net.Socket.prototype.connect = original;
    },
  };
}
