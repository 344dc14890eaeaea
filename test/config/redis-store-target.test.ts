// admission.store for a Redis Cluster or TLS with a private CA (issue 28): every mistake is refused
// by the config, before the network, in a sentence naming the field to fix and never the password.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { admissionConfigSchema } from '../../src/config/schemas.ts';

const dir = mkdtempSync(join(tmpdir(), 'dd-store-target-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problem = (store: Record<string, unknown>) => {
  const parsed = admissionConfigSchema.safeParse({ store: { type: 'redis', ...store } });
  return parsed.success ? undefined : parsed.error.issues.map((issue) => issue.message).join('; ');
};

describe('admission.store: cluster and TLS settings', () => {
  it('accepts a cluster URL alone, with seed nodes, and TLS with a CA file; standalone stays the default', () => {
    const cluster = admissionConfigSchema.parse({ store: { type: 'redis', url: 'rediss://:pw-41@cfg.cache:6379', mode: 'cluster' } });
    expect(cluster.store).toMatchObject({ type: 'redis', mode: 'cluster' });
    const seeded = { url: 'redis://10.0.0.1:7000', mode: 'cluster', nodes: ['10.0.0.2:7000', '[::1]:7001', 'node-3.cache:7002'] };
    expect(problem(seeded)).toBeUndefined();
    expect(problem({ url: 'rediss://cache:6380/0', mode: 'cluster', tls: { caFile } })).toBeUndefined();
    expect(admissionConfigSchema.parse({ store: { type: 'redis', url: 'redis://cache' } }).store).toMatchObject({ mode: 'standalone' });
    const mapped = {
      url: 'redis://10.0.0.1:7000',
      mode: 'cluster',
      nodeAddressMap: { '10.0.0.1:7000': 'gw.example:17000', '[fd00::2]:7001': '[::1]:17001' },
    };
    expect(admissionConfigSchema.parse({ store: { type: 'redis', ...mapped } }).store).toMatchObject({
      nodeAddressMap: mapped.nodeAddressMap,
    });
  });

  it('names the field to fix for each mistake', () => {
    expect(problem({ url: 'redis://h', mode: 'sentinel' })).toMatch(/admission.store.mode must be "standalone" or "cluster"/);
    expect(problem({ url: 'redis://h', nodes: ['h2:6379'] })).toMatch(/nodes lists Redis Cluster seed nodes: set mode: cluster/);
    expect(problem({ url: 'redis://h', mode: 'cluster', nodes: [] })).toMatch(/nodes must list at least one host:port/);
    expect(problem({ url: 'redis://h', mode: 'cluster', nodes: ['h2'] })).toMatch(/admission.store.nodes\[0\] must be host:port/);
    expect(problem({ url: 'redis://h', mode: 'cluster', nodes: ['h2:1', 'h3:70000'] })).toMatch(/nodes\[1\] has port 70000/);
    expect(problem({ url: 'redis://h', mode: 'cluster', nodes: ['redis://:node-pw-9@h2:6379'] })).toMatch(
      /nodes\[0\] must be host:port without a scheme or credentials/,
    );
    expect(problem({ url: 'redis://h:6379/3', mode: 'cluster' })).toMatch(/a Redis Cluster has only database 0/);
    expect(problem({ url: 'redis://h', nodeAddressMap: { 'h:1': 'g:2' } })).toMatch(
      /nodeAddressMap maps the addresses .*set mode: cluster/,
    );
    expect(problem({ url: 'redis://h', mode: 'cluster', nodeAddressMap: { 'h:1': 'g' } })).toMatch(
      /admission.store.nodeAddressMap\["h:1"\] must be host:port/,
    );
    expect(problem({ url: 'redis://h', mode: 'cluster', nodeAddressMap: { h: 'g:2' } })).toMatch(
      /nodeAddressMap\["h"\] \(the address the node announces\) must be host:port/,
    );
    expect(problem({ url: 'redis://h', mode: 'cluster', nodeAddressMap: { 'h:1': 'redis://:map-pw-5@g:2' } })).toMatch(
      /must be host:port without a scheme or credentials/,
    );
    expect(problem({ url: 'redis://h', tls: { caFile } })).toMatch(/admission.store.tls applies to TLS connections: .*rediss:\/\//);
    expect(problem({ url: 'rediss://h', tls: { caFile: join(dir, 'missing.pem') } })).toMatch(
      /admission.store.tls.caFile .*missing.pem cannot be read \(ENOENT\)/,
    );
    expect(problem({ url: 'rediss://h', tls: { caFile: dir } })).toMatch(/caFile .* is not a regular file/);
    expect(problem({ url: 'rediss://h', tls: { caFile, verify: false } })).toMatch(/verify/);
  });

  it('never repeats the password of the URL or of a node in a refusal', () => {
    const text = [
      problem({ url: 'redis://:url-pw-3321@h:6379/3', mode: 'cluster' }),
      problem({ url: 'redis://:url-pw-3321@h', mode: 'cluster', nodes: ['redis://:node-pw-9@h2:6379'] }),
      problem({ url: 'redis://h', mode: 'cluster', nodeAddressMap: { 'h:1': 'redis://:node-pw-9@g:2' } }),
    ].join(' ');
    expect(text).not.toContain('url-pw-3321');
    expect(text).not.toContain('node-pw-9');
  });
});
