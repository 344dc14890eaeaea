// How the Redis admission store reaches Redis: one standalone server (node-redis `createClient`)
// or a Redis Cluster (`createCluster`), behind one small surface so the store's scripts, fallback
// and rejoin are written once (docs/engine-rules.md "Shared admission store", "Deployments").
//
// - Cluster: `url` (and `nodes`) seed the topology; the URL's user, password and TLS apply to every
//   node discovered. A command is routed by its first key: every key of a domain carries one hash
//   tag, so each script runs on the one primary that owns the domain's slot; MOVED and ASK (a
//   slot migration, a failover) are followed by node-redis, and TRYAGAIN (a multi-key script while
//   its slot is half migrated) is retried here for a few milliseconds. Scripts are cached per
//   primary, so there a NOSCRIPT just loads the script (`noscriptMeansDataLoss`).
// - The release channel is a classic (cluster-wide) channel: a PUBLISH on any primary reaches a
//   subscriber on any node.
// - TLS: `rediss://`; `tls.caFile` adds a private CA (read once, bounded) to what the client trusts.
import type { RedisStoreMode } from '../../../config/redis-store-target.ts';
import { MAX_CA_FILE_BYTES } from '../../../config/redis-store-target.ts';
import { readBoundedTextFile } from '../../../config/read-bounded-file.ts';
import type { RedisStoreUrl } from '../../../config/redis-store-url.ts';

/** Where the store's Redis is, as configured (admission.store). */
export interface RedisTarget {
  url: RedisStoreUrl;
  mode?: RedisStoreMode;
  /** More cluster seed nodes, host:port (mode cluster). */
  nodes?: string[];
  /** Cluster: the host:port a node announces → the host:port this worker reaches it at. */
  nodeAddressMap?: Record<string, string>;
  tls?: { caFile?: string };
}

/**
 * node-redis's own per-command timeout is turned off (0; unset, it is 5 s): it arms an
 * `AbortSignal.timeout` for every command, which cannot be cancelled, so each command leaves a
 * timer that fires later, finished or not, and builds a DOMException with its stack. The store
 * bounds every command itself (`withTimeout` in redis-admission-store.ts, cleared with the
 * answer), and with no offline queue a command that cannot be written fails at once.
 */
const NO_CLIENT_COMMAND_TIMEOUT = { timeout: 0 };

export interface RedisConnectionTimeouts {
  connectMs: number;
  /** The longest pause between two reconnection attempts. */
  reconnectMaxMs: number;
}

/** The part of node-redis the store uses, the same for a server and a cluster. */
export interface RedisConnection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  /** One command; in a cluster it runs on the primary that owns `key`'s slot (no key: any node). */
  send(args: string[], key?: string): Promise<unknown>;
  /**
   * Whether a NOSCRIPT for a script this connection ran before means the server lost its data
   * (restarted, flushed). True for one server; false for a cluster, where scripts are cached per
   * primary and a command can be answered by a primary that never saw them (the new owner of a
   * migrating slot, through ASK; a promoted replica) without any data lost.
   */
  readonly noscriptMeansDataLoss: boolean;
  /**
   * Whether Redis answers now — a cluster: its state is ok and the primaries owning `keys` answer
   * (a killed primary's slots are served again only once its replica is promoted). Reconnects a
   * cluster whose discovery failed. Unbounded: the caller bounds it.
   */
  answers(keys: string[]): Promise<boolean>;
  /** A second connection (the store subscribes on it). */
  duplicate(): RedisConnection;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Errors the client reports while it reconnects (a refused AUTH, a TLS failure): never thrown. */
  onError(listener: (error: unknown) => void): void;
  destroy(): void;
}

/** How long a half-migrated slot's TRYAGAIN is retried before the command counts as failed. */
const TRYAGAIN_PAUSE_MS = 5;
const TRYAGAIN_ATTEMPTS = 20;
const TOPOLOGY_REFRESH_AFTER_MS = 100;

/** A factory of connections to `target` (node-redis loaded lazily; the CA file read once). */
export async function redisConnectionFactory(target: RedisTarget, timeouts: RedisConnectionTimeouts): Promise<() => RedisConnection> {
  const { createClient, createCluster } = await import('redis');
  const ca = target.tls?.caFile
    ? await readBoundedTextFile(target.tls.caFile, { what: 'CA file', maxBytes: MAX_CA_FILE_BYTES })
    : undefined;
  const raw = target.url.reveal();
  const url = new URL(raw);
  const tls = url.protocol === 'rediss:';
  const socket = {
    connectTimeout: timeouts.connectMs,
    reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, timeouts.reconnectMaxMs),
    ...(tls ? { tls: true as const, ...(ca ? { ca } : {}) } : {}),
  };
  if (target.mode !== 'cluster') {
    const make = (): RedisConnection => {
      const client = createClient({
        url: raw,
        RESP: 3,
        disableOfflineQueue: true,
        commandOptions: NO_CLIENT_COMMAND_TIMEOUT,
        socket,
      }) as unknown as NodeRedisClient;
      return standalone(client, make);
    };
    return make;
  }
  const seeds = [url.host, ...(target.nodes ?? [])].map((node) => ({ url: `${url.protocol}//${node}` }));
  const defaults = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    disableOfflineQueue: true,
    socket,
  };
  const make = (minimizeConnections = false): RedisConnection =>
    cluster(
      createCluster({
        rootNodes: seeds,
        defaults,
        RESP: 3,
        commandOptions: NO_CLIENT_COMMAND_TIMEOUT,
        ...(target.nodeAddressMap ? { nodeAddressMap: reachedAt(target.nodeAddressMap) } : {}),
        // A primary that stops answering is asked about again (CLUSTER SLOTS) from its first
        // reconnection attempt on, not after node-redis's default 5 s: its replica's promotion is
        // seen as soon as the cluster has made it.
        topologyRefreshOnReconnectionAttemptStrategy: TOPOLOGY_REFRESH_AFTER_MS,
        // The subscriber (a duplicate) needs the topology and one node, not a connection to every primary.
        minimizeConnections,
      }) as unknown as NodeRedisCluster,
      () => make(true),
    );
  return () => make();
}

/** node-redis's address map: a node's announced "host:port" → where to connect (unmapped: as announced). */
function reachedAt(map: Record<string, string>): (address: string) => { host: string; port: number } | undefined {
  return (address) => {
    const mapped = map[address];
    if (!mapped) return undefined;
    const split = mapped.lastIndexOf(':');
    return { host: mapped.slice(0, split).replace(/^\[(.*)\]$/, '$1'), port: Number(mapped.slice(split + 1)) };
  };
}

// Minimal structural views of node-redis (imported lazily, so only as types here).
interface NodeRedisClient {
  isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

interface NodeRedisCluster {
  isOpen: boolean;
  isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(firstKey: string | undefined, isReadonly: boolean, args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

function standalone(client: NodeRedisClient, make: () => RedisConnection): RedisConnection {
  return {
    get isReady() {
      return client.isReady;
    },
    connect: () => client.connect(),
    send: (args) => client.sendCommand(args),
    noscriptMeansDataLoss: true,
    async answers() {
      if (!client.isReady) return false;
      await client.sendCommand(['PING']);
      return true;
    },
    duplicate: make,
    subscribe: (channel, listener) => client.subscribe(channel, listener),
    onError(listener) {
      client.on('error', listener);
    },
    destroy: () => client.destroy(),
  };
}

function cluster(client: NodeRedisCluster, make: () => RedisConnection): RedisConnection {
  let connecting: Promise<unknown> | undefined;
  const connect = (): Promise<unknown> => {
    connecting ??= client.connect().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };
  return {
    get isReady() {
      return client.isReady;
    },
    connect,
    async send(args, key) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await client.sendCommand(key, false, args);
        } catch (error) {
          // A multi-key command on a slot being migrated, its keys split between two primaries.
          if (!String((error as Error)?.message).startsWith('TRYAGAIN') || attempt >= TRYAGAIN_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, TRYAGAIN_PAUSE_MS));
        }
      }
    },
    noscriptMeansDataLoss: false,
    async answers(keys) {
      // Discovery that failed (every seed down, a refused password) is not retried by node-redis.
      if (!client.isOpen) {
        void connect().catch(() => {});
        return false;
      }
      if (!client.isReady) return false;
      if (!/cluster_state:ok/.test(String(await client.sendCommand(undefined, true, ['CLUSTER', 'INFO'])))) return false;
      await Promise.all(keys.map((key) => client.sendCommand(key, false, ['EXISTS', key])));
      return true;
    },
    duplicate: make,
    subscribe: (channel, listener) => client.subscribe(channel, listener),
    onError(listener) {
      client.on('error', listener);
      // A node's own errors (AUTH refused, TLS) arrive as node-error events.
      client.on('node-error', listener);
    },
    destroy: () => client.destroy(),
  };
}

/** The Redis Cluster slot of `key` (CRC16-XMODEM of its hash tag, or of the whole key, mod 16384). */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16_384;
}
