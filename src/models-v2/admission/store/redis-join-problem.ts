// Why the admission store could not join Redis, in words that point at what to fix: credentials
// (WRONGPASS, NOAUTH) and TLS (a certificate, or a scheme that does not match the port) are named
// as such rather than as "no answer" (docs/engine-rules.md "Shared admission store"). node-redis
// reports these as `error` events while it keeps reconnecting, so the connect itself only times
// out: the last event says why. A timeout or a reset with nothing more said is checked with one
// bounded probe of the port — does it complete a TLS handshake? — since a TLS mismatch looks
// exactly like that. The text never holds the URL's password (only the masked URL is printed).
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

const PROBE_TIMEOUT_MS = 500;

const TLS_ERROR_CODES = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;
const TLS_ERROR_TEXT = /certificate|\bSSL\b|\bTLS\b|wrong version number/i;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error ?? '');
}

/** Whether `host:port` completes a TLS handshake (any certificate) within the probe's time. */
function speaksTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTls({ host, port, rejectUnauthorized: false, timeout: PROBE_TIMEOUT_MS });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Whether `host:port` accepts a TCP connection within the probe's time. */
function acceptsTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port, timeout: PROBE_TIMEOUT_MS });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * The reason the store gives for not joining Redis at `rawUrl` (redis:// or rediss://). `failure`
 * is what the connect failed with; `lastEvent` the last error the client emitted meanwhile.
 */
export async function redisJoinProblem(rawUrl: string, failure: unknown, lastEvent: unknown): Promise<string> {
  const seen = lastEvent ?? failure;
  const text = messageOf(seen);
  const reply = /^(WRONGPASS|NOAUTH)\b/.exec(text)?.[1];
  if (reply === 'WRONGPASS') {
    return 'Redis refused the credentials (WRONGPASS: wrong user name or password): fix the password (and user) in admission.store.url';
  }
  if (reply === 'NOAUTH') {
    return 'Redis requires a password and admission.store.url gives none (NOAUTH): write it as redis://:password@host:port';
  }
  if (TLS_ERROR_CODES.test(codeOf(seen)) || TLS_ERROR_TEXT.test(text)) {
    const why = /certificate|CERT/i.test(`${codeOf(seen)} ${text}`) ? `the server's certificate is not trusted (${text})` : text;
    return (
      `the TLS handshake with Redis failed: ${why}; give the CA that signed the certificate in admission.store.tls.caFile ` +
      '(or NODE_EXTRA_CA_CERTS), or check the scheme (rediss:// for TLS)'
    );
  }
  const url = new URL(rawUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 6379);
  if (url.protocol === 'rediss:' && (await acceptsTcp(host, port)) && !(await speaksTls(host, port))) {
    return (
      'TLS mismatch: admission.store.url asks for TLS (rediss://) but the server at that port completes no TLS handshake: ' +
      'use redis://, or enable TLS on the server'
    );
  }
  if (url.protocol === 'redis:' && (await speaksTls(host, port))) {
    return 'TLS mismatch: the server at that port speaks TLS only and admission.store.url is redis://: use rediss://';
  }
  return text || 'no answer';
}
