// Which Redis deployment the shared admission store talks to, beyond the URL (docs/config-shapes.md
// "admission.store"): `mode: cluster` makes the URL one node of a Redis Cluster (or its
// configuration endpoint) and `nodes` lists more seed nodes as host:port (the URL's scheme, user
// and password apply to every node); `nodeAddressMap` maps an address a cluster node announces to
// the one this worker reaches it at (NAT, port forwarding, a proxy); `tls.caFile` is a PEM bundle
// of the CA(s) that signed the server certificates, for a private CA. Every problem is found here, before the network, in a
// sentence naming the field to fix (never repeating the URL, which may hold a password).
import { statSync } from 'node:fs';

export const REDIS_STORE_MODES = ['standalone', 'cluster'] as const;
export type RedisStoreMode = (typeof REDIS_STORE_MODES)[number];

/** A PEM CA bundle is a few KB; a file far larger than this is not one. */
export const MAX_CA_FILE_BYTES = 1024 * 1024;

/** What is wrong with one `admission.store.nodes` entry (host:port, [v6]:port); undefined when fine. */
export function redisNodeProblem(node: string, index: number): string | undefined {
  return hostPortProblem(node, `admission.store.nodes[${index}]`);
}

/** What is wrong with one `admission.store.nodeAddressMap` entry (both sides host:port); undefined when fine. */
export function nodeAddressProblem(announced: string, reachedAt: string): string | undefined {
  const field = `admission.store.nodeAddressMap["${announced}"]`;
  return hostPortProblem(announced, `${field} (the address the node announces)`) ?? hostPortProblem(reachedAt, field);
}

/** A host:port (a name, an IPv4 address or a bracketed IPv6 one), checked for the field named. */
function hostPortProblem(node: string, field: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(node)) {
    return `${field} must be host:port without a scheme or credentials (they come from admission.store.url)`;
  }
  const match = /^(\[[0-9a-f:.]+\]|[^\s:@/[\]]+):(\d{1,5})$/i.exec(node);
  if (!match) return `${field} must be host:port (e.g. 10.0.0.2:6379)`;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return `${field} has port ${port}; a port is 1 to 65535`;
  return undefined;
}

/** What is wrong with `admission.store.tls.caFile` (checked without opening it); undefined when fine. */
export function caFileProblem(path: string): string | undefined {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    return `admission.store.tls.caFile ${path} cannot be read (${code}); give the path of a PEM file with the CA certificate(s)`;
  }
  if (!stats.isFile()) return `admission.store.tls.caFile ${path} is not a regular file; give a PEM file with the CA certificate(s)`;
  if (stats.size > MAX_CA_FILE_BYTES) {
    return `admission.store.tls.caFile ${path} is ${stats.size} bytes, more than a CA bundle (${MAX_CA_FILE_BYTES} at most)`;
  }
  return undefined;
}

/** Cross-field rules of a redis store: which fields need which mode and scheme. */
export function redisStoreTargetProblems(store: {
  url: { reveal(): string };
  mode: RedisStoreMode;
  nodes?: string[];
  nodeAddressMap?: Record<string, string>;
  tls?: { caFile?: string };
}): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  // A URL that failed its own check has been reported already.
  if (!store.url) return problems;
  const url = new URL(store.url.reveal());
  if (store.nodes && store.mode !== 'cluster') {
    problems.push({
      path: 'nodes',
      message: 'admission.store.nodes lists Redis Cluster seed nodes: set mode: cluster (or remove nodes)',
    });
  }
  if (store.nodeAddressMap && store.mode !== 'cluster') {
    problems.push({
      path: 'nodeAddressMap',
      message: 'admission.store.nodeAddressMap maps the addresses Redis Cluster nodes announce: set mode: cluster (or remove it)',
    });
  }
  if (store.mode === 'cluster' && url.pathname && url.pathname !== '/' && url.pathname !== '/0') {
    problems.push({ path: 'url', message: 'a Redis Cluster has only database 0: remove the database number from admission.store.url' });
  }
  if (store.tls && url.protocol !== 'rediss:') {
    problems.push({ path: 'tls', message: 'admission.store.tls applies to TLS connections: write admission.store.url as rediss://' });
  }
  return problems;
}
