// A SigV4 signature covers the Host header, so a request the engine signed for the loopback
// proxy is invalid at the real Bedrock host. The proxy therefore signs the forwarded request
// again, for the real host, with the same default AWS credential chain the engine used, in the
// region and service named by the original signature's credential scope.
import type { SignatureV4 } from '@smithy/signature-v4';

export interface ResignInput {
  /** The original `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, …`. */
  authorization: string;
  method: string;
  /** Where the request goes now. */
  url: URL;
  /** Headers to forward, without any of the original signature headers. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers of the original signature; they are replaced, never forwarded. */
export const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];

export function isSigV4(authorization: string | undefined): authorization is string {
  return typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256 ');
}

function credentialScope(authorization: string): { region: string; service: string } {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (!scope) throw new Error('the SigV4 Authorization header has no credential scope to re-sign with');
  return { region: scope[1], service: scope[2] };
}

export function createResigner(): (input: ResignInput) => Promise<Record<string, string>> {
  const signers = new Map<string, Promise<SignatureV4>>();
  let credentials: Promise<unknown> | undefined;

  const signerFor = (region: string, service: string): Promise<SignatureV4> => {
    const key = `${region}/${service}`;
    let signer = signers.get(key);
    if (!signer) {
      // Loaded on first SigV4 request only: recording OpenAI traffic never loads the AWS SDK.
      signer = (async () => {
        const [{ SignatureV4: Signer }, { Sha256 }, { fromNodeProviderChain }] = await Promise.all([
          import('@smithy/signature-v4'),
          import('@aws-crypto/sha256-js'),
          import('@aws-sdk/credential-providers'),
        ]);
        credentials ??= Promise.resolve(fromNodeProviderChain());
        const provider = (await credentials) as ReturnType<typeof fromNodeProviderChain>;
        return new Signer({ service, region, credentials: provider, sha256: Sha256 });
      })();
      signers.set(key, signer);
    }
    return signer;
  };

  return async ({ authorization, method, url, headers, body }) => {
    const { region, service } = credentialScope(authorization);
    const signer = await signerFor(region, service);
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      body,
    });
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) out[name.toLowerCase()] = String(value);
    return out;
  };
}
