// A real Redis Cluster for tests and the fleet benchmark: N primaries (and optionally a replica
// each) started from `redis-server --cluster-enabled yes` on free loopback ports in a temp dir
// (persistence off, node timeout 1 s so a killed primary is failed over within seconds), joined
// by `redis-cli --cluster create … --cluster-yes`, and stopped (the dir removed) by its owner.
// With `tls` every node speaks TLS only (clients, cluster bus, replication). Events a test plays
// mid-run: move one slot to another primary (the documented resharding steps: SETSLOT
// IMPORTING/MIGRATING, MIGRATE the keys, SETSLOT NODE everywhere) and SIGKILL a primary (its
// replica takes over). No mock of Redis anywhere.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { freePort, REDIS_SERVER_BINARY, waitForPort } from './redis-server.ts';
import { type CertificateAuthority, makeCertificateAuthority, makeServerCertificate } from './test-certificates.ts';

const REDIS_CLI_BINARY = 'redis-cli';
const NODE_TIMEOUT_MS = 1_000;
/** Starts of the nodes on fresh ports before giving up (a port taken between finding and binding it). */
const NODE_START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 30_000;

interface ClusterNode {
  port: number;
  busPort: number;
  child?: ChildProcess;
}

export interface RedisClusterHandle {
  /** A seed URL (the first primary) with the password, if any: the cluster's other nodes are discovered from it. */
  readonly url: string;
  /** `tls`: the CA that signed every node's certificate. */
  readonly caFile?: string;
  /** Every node as host:port (primaries first). */
  readonly nodes: string[];
  /** The slot `key` hashes to (CLUSTER KEYSLOT: the hash tag decides). */
  keySlot(key: string): Promise<number>;
  /** The port of the primary serving `slot` now. */
  primaryOf(slot: number): Promise<number>;
  /** Moves `slot` with its keys to another primary (the one after its current owner). Returns the new owner's port. */
  migrateSlot(slot: number): Promise<number>;
  /** SIGKILLs the primary serving `slot` and waits until its replica serves it (needs `replicas: 1`). Returns the new port. */
  killPrimaryOf(slot: number): Promise<number>;
  stop(): Promise<void>;
}

/** Whether redis-server and redis-cli (for `--cluster create`) can be run here. */
export function redisClusterToolsAvailable(): boolean {
  return [REDIS_SERVER_BINARY, REDIS_CLI_BINARY].every((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
}

/**
 * `tls`: every node listens on TLS only (clients, the cluster bus and replication), with one
 * certificate for 127.0.0.1 signed by a CA made for the cluster (`caFile`).
 */
export async function startRedisCluster(
  options: { primaries?: number; replicas?: 0 | 1; password?: string; tls?: boolean } = {},
): Promise<RedisClusterHandle> {
  const primaries = options.primaries ?? 3;
  const replicas = options.replicas ?? 0;
  if (primaries < 3) throw new Error('a Redis Cluster needs at least 3 primaries');
  const dir = mkdtempSync(join(tmpdir(), 'dd-redis-cluster-'));
  const nodes: ClusterNode[] = [];
  let tlsArgs: string[] = [];
  let cliTls: string[] = [];
  let caFile: string | undefined;
  if (options.tls) {
    let ca: CertificateAuthority;
    let cert: string;
    let key: string;
    try {
      ca = makeCertificateAuthority(dir, 'dd-test-cluster-ca');
      ({ cert, key } = makeServerCertificate(dir, ca));
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    caFile = ca.caFile;
    tlsArgs = ['--tls-cluster', 'yes', '--tls-replication', 'yes', '--tls-cert-file', cert, '--tls-key-file', key];
    tlsArgs.push('--tls-ca-cert-file', caFile, '--tls-auth-clients', 'no');
    cliTls = ['--tls', '--cacert', caFile];
  }
  const clients = new NodeClients(options.password, caFile);
  const stop = async (): Promise<void> => {
    clients.closeAll();
    await Promise.all(nodes.map((node) => killNode(node)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A port found free can be taken before redis-server binds it (other suites open sockets in
    // parallel; seen once in CI: a node never listened): a node that exits before listening
    // restarts the nodes on fresh ports, a few times.
    for (let attempt = 1; ; attempt++) {
      const taken = new Set<number>();
      for (let i = 0; i < primaries * (1 + replicas); i++) nodes.push({ port: await uniquePort(taken), busPort: await uniquePort(taken) });
      for (const node of nodes) {
        const ports = options.tls ? ['--port', '0', '--tls-port', String(node.port), ...tlsArgs] : ['--port', String(node.port)];
        const args = ['--bind', '127.0.0.1', ...ports, '--cluster-enabled', 'yes', '--cluster-port', String(node.busPort)];
        args.push('--cluster-config-file', `nodes-${node.port}.conf`, '--cluster-node-timeout', String(NODE_TIMEOUT_MS));
        args.push('--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning', '--repl-diskless-sync-delay', '0');
        if (options.password) args.push('--requirepass', options.password, '--masterauth', options.password);
        node.child = spawn(REDIS_SERVER_BINARY, args, { stdio: 'ignore' });
      }
      try {
        await Promise.all(nodes.map((node) => listening(node)));
        break;
      } catch (error) {
        await Promise.all(nodes.map((node) => killNode(node)));
        nodes.length = 0;
        if (attempt >= NODE_START_ATTEMPTS) throw error;
      }
    }
    // The password goes by environment (REDISCLI_AUTH), not on redis-cli's command line.
    const env = { ...process.env, ...(options.password ? { REDISCLI_AUTH: options.password } : {}) };
    const create = spawnSync(
      REDIS_CLI_BINARY,
      [
        ...cliTls,
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: READY_TIMEOUT_MS, env },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await untilClusterOk(nodes, clients);
  } catch (error) {
    await stop();
    throw error;
  }

  const command = <T>(port: number, args: string[]) => clients.command<T>(port, args);
  const userInfo = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const nodeId = (port: number) => command<string>(port, ['CLUSTER', 'MYID']);
  const live = () => nodes.filter((n) => n.child && n.child.exitCode === null);
  const primaryOf = async (slot: number): Promise<number> => {
    const shards = await command<unknown[]>(live()[0].port, ['CLUSTER', 'SLOTS']);
    for (const shard of shards as [number, number, [string, number]][]) {
      if (slot >= shard[0] && slot <= shard[1]) return Number(shard[2][1]);
    }
    throw new Error(`no primary serves slot ${slot}`);
  };

  return {
    caFile,
    url: `${options.tls ? 'rediss' : 'redis'}://${userInfo}127.0.0.1:${nodes[0].port}`,
    nodes: nodes.map((n) => `127.0.0.1:${n.port}`),
    keySlot: async (key) => Number(await command<number>(live()[0].port, ['CLUSTER', 'KEYSLOT', key])),
    primaryOf,
    async migrateSlot(slot) {
      const from = await primaryOf(slot);
      const ports = await primaryPorts(live()[0].port, clients);
      const to = ports[(ports.indexOf(from) + 1) % ports.length];
      const [fromId, toId] = [await nodeId(from), await nodeId(to)];
      await command(to, ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId]);
      await command(from, ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId]);
      const auth = options.password ? ['AUTH', options.password] : [];
      for (;;) {
        const keys = await command<string[]>(from, ['CLUSTER', 'GETKEYSINSLOT', String(slot), '100']);
        if (keys.length === 0) break;
        await command(from, ['MIGRATE', '127.0.0.1', String(to), '', '0', '5000', ...auth, 'KEYS', ...keys]);
      }
      // The new owner first, then the old one, then every other primary (the documented order; replicas follow theirs).
      for (const port of [to, from, ...ports.filter((p) => p !== to && p !== from)]) {
        await command(port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', toId]);
      }
      await untilClusterOk(live(), clients);
      return to;
    },
    async killPrimaryOf(slot) {
      if (replicas === 0) throw new Error('killPrimaryOf needs a cluster started with replicas: 1');
      const port = await primaryOf(slot);
      const victim = nodes.find((n) => n.port === port)!;
      await killNode(victim);
      clients.drop(port);
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        const now = await primaryOf(slot).catch(() => port);
        if (now !== port) {
          await untilClusterOk(live(), clients);
          return now;
        }
        if (Date.now() > deadline) throw new Error(`no replica took over slot ${slot} within ${READY_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
  };
}

async function primaryPorts(port: number, clients: NodeClients): Promise<number[]> {
  const shards = await clients.command<[number, number, [string, number]][]>(port, ['CLUSTER', 'SLOTS']);
  return [...new Set(shards.map((shard) => Number(shard[2][1])))].sort((a, b) => a - b);
}

function connectNode(port: number, password: string | undefined, ca: string | undefined) {
  const socket = { connectTimeout: 2_000, reconnectStrategy: false as const, ...(ca ? { tls: true as const, ca } : {}) };
  const client = createClient({ url: `${ca ? 'rediss' : 'redis'}://127.0.0.1:${port}`, password, socket });
  client.on('error', () => {});
  return client.connect();
}

/**
 * One connection per node, kept for the cluster's life: the launcher shares its process with the
 * workers a test runs, and a fresh connection per command (six nodes, several commands each, every
 * 200 ms while it waits) stalled their store commands for over a second.
 */
class NodeClients {
  readonly #password: string | undefined;
  readonly #ca: string | undefined;
  readonly #clients = new Map<number, ReturnType<typeof connectNode>>();
  constructor(password: string | undefined, caFile: string | undefined) {
    this.#password = password;
    this.#ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  }

  async command<T>(port: number, args: string[]): Promise<T> {
    let client = this.#clients.get(port);
    if (!client) {
      const made = connectNode(port, this.#password, this.#ca);
      made.catch(() => this.#clients.delete(port));
      this.#clients.set(port, made);
      client = made;
    }
    try {
      return (await (await client).sendCommand(args)) as T;
    } catch (error) {
      this.drop(port);
      throw error;
    }
  }

  drop(port: number): void {
    const client = this.#clients.get(port);
    this.#clients.delete(port);
    client?.then(
      (c) => c.destroy(),
      () => {},
    );
  }

  closeAll(): void {
    for (const port of [...this.#clients.keys()]) this.drop(port);
  }
}

/** A free loopback port not among `taken` (a port just closed can be handed out again at once); added to it. */
async function uniquePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

/** Resolves when the node listens; rejects at once if its process exits first (its port was taken). */
function listening(node: ClusterNode): Promise<void> {
  const child = node.child!;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`redis-server for 127.0.0.1:${node.port} exited (${code}) before it listened`)));
    child.once('error', reject);
  });
  // The node exits later too (when the cluster stops): that rejection is nobody's news then.
  exited.catch(() => {});
  return Promise.race([waitForPort(node.port), exited]);
}

async function killNode(node: ClusterNode): Promise<void> {
  const running = node.child;
  node.child = undefined;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
}

/** Until every node says cluster_state:ok, every replica is in sync, and all of them map every slot to the same primary (bounded). */
async function untilClusterOk(nodes: ClusterNode[], clients: NodeClients): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const views = await Promise.all(
      nodes.map(async (node) => {
        const info = await clients.command<string>(node.port, ['CLUSTER', 'INFO']).catch(() => '');
        if (!/cluster_state:ok/.test(String(info))) return undefined;
        // A replica that has not finished its first sync cannot take over: wait for its link.
        const replication = String(await clients.command<string>(node.port, ['INFO', 'replication']).catch(() => ''));
        if (/role:slave/.test(replication) && !/master_link_status:up/.test(replication)) return undefined;
        const slots = await clients.command<[number, number, [string, number]][]>(node.port, ['CLUSTER', 'SLOTS']).catch(() => []);
        return JSON.stringify(slots.map((s) => [s[0], s[1], Number(s[2][1])]).sort((a, b) => a[0] - b[0]));
      }),
    );
    if (views.every((view) => view !== undefined && view === views[0])) return;
    if (Date.now() > deadline) throw new Error(`the Redis Cluster did not settle within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
