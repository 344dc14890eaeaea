// A real redis-server for tests and the fleet benchmark: started on a free loopback port with
// persistence off (`--save '' --appendonly no`), stopped (and restartable on the same port) by
// its owner. No mock of Redis anywhere: the shared admission store is tested against this.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificateAuthority, makeServerCertificate } from './test-certificates.ts';

export const REDIS_SERVER_BINARY = 'redis-server';
const START_TIMEOUT_MS = 10_000;

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> (no credentials unless `password` was given; rediss:// with `tls`). */
  readonly url: string;
  stop(): Promise<void>;
  /** Stops the server (if running) and starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
  /** `tls: 'ca'`: the CA file that signed the running server's certificate (made anew at each start). */
  readonly caFile?: string;
}

/** Whether redis-server can be run here. */
export function redisServerAvailable(): boolean {
  return spawnSync(REDIS_SERVER_BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `tls`: the port speaks TLS only, with a self-signed certificate made by `openssl` for this server
 * (no client certificate asked for); a client must trust it (or not verify it) to get in. `'ca'`:
 * a certificate for 127.0.0.1 signed by a private CA made for it (`caFile`), as a managed Redis has.
 */
export async function startRedisServer(options: { password?: string; tls?: boolean | 'ca' } = {}): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let certDir: string | undefined;
  let caFile: string | undefined;
  const start = async (): Promise<void> => {
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    if (options.tls) {
      // Made anew at each start (and removed at each stop): nothing is left behind.
      certDir = mkdtempSync(join(tmpdir(), 'dd-redis-tls-'));
      let cert = join(certDir, 'cert.pem');
      let key = join(certDir, 'key.pem');
      if (options.tls === 'ca') {
        const ca = makeCertificateAuthority(certDir, 'dd-test-redis-ca');
        ({ cert, key } = makeServerCertificate(certDir, ca));
        caFile = ca.caFile;
      } else {
        const subject = ['-subj', '/CN=127.0.0.1'];
        const request = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', ...subject];
        const made = spawnSync('openssl', request, { stdio: 'ignore' });
        if (made.status !== 0) throw new Error('openssl could not make a certificate for the TLS redis-server');
      }
      args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key);
      args.push('--tls-ca-cert-file', caFile ?? cert, '--tls-auth-clients', 'no');
    } else {
      args.push('--port', String(port));
    }
    if (options.password) args.push('--requirepass', options.password);
    child = spawn(REDIS_SERVER_BINARY, args, { stdio: 'ignore' });
    const spawned = child;
    const failed = new Promise<never>((_, reject) => spawned.once('error', reject));
    await Promise.race([waitForPort(port), failed]);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    }
    if (certDir) rmSync(certDir, { recursive: true, force: true });
    certDir = undefined;
    caFile = undefined;
  };
  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    get caFile() {
      return caFile;
    },
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}

export async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
