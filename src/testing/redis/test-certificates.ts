// Certificates for the TLS redis-server of the tests, made by `openssl` in a directory the caller
// owns (and removes): a private CA, and a server certificate it signs for 127.0.0.1 (subject
// alternative name IP:127.0.0.1; server and client auth, since cluster nodes present it to each
// other on the TLS cluster bus), so a client that is given the CA file verifies the
// server fully — chain and host — as it would against a managed Redis behind a private CA.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], what: string): void {
  const made = spawnSync('openssl', args, { encoding: 'utf8', timeout: 20_000 });
  if (made.status !== 0) throw new Error(`openssl could not make ${what}: ${made.stderr}`);
}

export interface CertificateAuthority {
  /** The CA certificate (PEM): what a client is given to trust the servers it signed. */
  caFile: string;
  keyFile: string;
}

/** A CA named `name`, valid for a day. */
export function makeCertificateAuthority(dir: string, name: string): CertificateAuthority {
  const caFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  const extensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(['req', '-x509', ...KEY, '-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', `/CN=${name}`, ...extensions], 'a CA');
  return { caFile, keyFile };
}

/** A server certificate and key for 127.0.0.1, signed by `ca`. */
export function makeServerCertificate(dir: string, ca: CertificateAuthority): { cert: string; key: string } {
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  const request = join(dir, 'server.csr');
  const extensions = join(dir, 'server.ext');
  openssl(['req', ...KEY, '-keyout', key, '-out', request, '-subj', '/CN=127.0.0.1'], 'a certificate request');
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  const sign = ['x509', '-req', '-in', request, '-CA', ca.caFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', '1'];
  openssl([...sign, '-out', cert, '-extfile', extensions], 'a server certificate');
  return { cert, key };
}
