// Optional SigV4 verification for the fake Bedrock endpoint. Given the credentials a test
// planted, it recomputes the signature over what actually arrived (host included) and rejects a
// mismatch the way AWS does, so a signature made for another host — e.g. one a proxy forwarded
// without re-signing — fails here as it would upstream.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SignatureV4 } from '@smithy/signature-v4';

export interface AwsTestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface ParsedAuthorization {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parse(authorization: string): ParsedAuthorization | undefined {
  const found =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
      authorization,
    );
  if (!found) return undefined;
  return { accessKeyId: found[1], region: found[2], service: found[3], signedHeaders: found[4].split(';'), signature: found[5] };
}

function signingDate(amzDate: string): Date | undefined {
  const found = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return found ? new Date(Date.UTC(+found[1], +found[2] - 1, +found[3], +found[4], +found[5], +found[6])) : undefined;
}

export type SigV4Check = { ok: true } | { ok: false; type: string; message: string };

export function createSigV4Verifier(
  credentials: AwsTestCredentials,
): (input: { method: string; url: string; headers: IncomingHttpHeaders; rawBody: string }) => Promise<SigV4Check> {
  const signers = new Map<string, Promise<SignatureV4>>();
  // Whether the client signed its payload hash header decides whether we add it when re-signing.
  const signerFor = (region: string, service: string, applyChecksum: boolean): Promise<SignatureV4> => {
    const key = `${region}/${service}/${applyChecksum}`;
    let signer = signers.get(key);
    if (!signer) {
      signer = Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]).then(
        ([{ SignatureV4: Signer }, { Sha256 }]) => new Signer({ service, region, credentials, sha256: Sha256, applyChecksum }),
      );
      signers.set(key, signer);
    }
    return signer;
  };

  return async ({ method, url, headers, rawBody }) => {
    const parsed = parse(String(headers.authorization ?? ''));
    const date = signingDate(String(headers['x-amz-date'] ?? ''));
    if (!parsed || !date)
      return {
        ok: false,
        type: 'IncompleteSignatureException',
        message: 'Authorization header requires Credential, SignedHeaders and Signature, and X-Amz-Date must be set.',
      };
    if (parsed.accessKeyId !== credentials.accessKeyId) {
      return { ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    }
    // The signer trusts a payload-hash header, so check it against the body that arrived first.
    const claimedHash = headers['x-amz-content-sha256'];
    if (
      typeof claimedHash === 'string' &&
      claimedHash !== 'UNSIGNED-PAYLOAD' &&
      claimedHash !== createHash('sha256').update(rawBody).digest('hex')
    ) {
      return {
        ok: false,
        type: 'XAmzContentSHA256Mismatch',
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      };
    }
    const signed: Record<string, string> = {};
    for (const name of parsed.signedHeaders) {
      const value = headers[name];
      if (value !== undefined) signed[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const target = new URL(url, `http://${String(headers.host)}`);
    const signer = await signerFor(parsed.region, parsed.service, parsed.signedHeaders.includes('x-amz-content-sha256'));
    const expected = await signer.sign(
      {
        method,
        protocol: 'http:',
        hostname: target.hostname,
        port: target.port ? Number(target.port) : undefined,
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: signed,
        body: rawBody,
      },
      { signingDate: date },
    );
    const signature = /Signature=([0-9a-f]+)/.exec(String(expected.headers.authorization ?? ''))?.[1];
    if (signature === parsed.signature) return { ok: true };
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  };
}
