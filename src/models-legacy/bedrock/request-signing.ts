// SigV4 for Bedrock when no Bedrock API key is configured. The AWS packages are loaded on first
// use only, so OpenAI/Anthropic users (and Bedrock API-key users) never import them.
import type { SignatureV4 } from '@smithy/signature-v4';
import { registerAwsCredentialSecrets } from '../../core/secrets.ts';

export interface SignableRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export class BedrockSigningSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BedrockSigningSetupError';
  }
}

export type BedrockRequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

/** Returns a signer bound to one region; credentials come from the default AWS provider chain. */
export function createBedrockRequestSigner(region: string | undefined): BedrockRequestSigner {
  let signer: Promise<SignatureV4> | undefined;

  const load = async (): Promise<SignatureV4> => {
    if (!region) {
      throw new BedrockSigningSetupError('No AWS region is known for this Bedrock provider, so requests cannot be signed');
    }
    const [{ SignatureV4: Signer }, { Sha256 }, { fromNodeProviderChain }] = await Promise.all([
      import('@smithy/signature-v4'),
      import('@aws-crypto/sha256-js'),
      import('@aws-sdk/credential-providers'),
    ]);
    const chain = fromNodeProviderChain();
    // Whatever the chain resolves is a secret from then on: the session token and key id travel in
    // headers a provider may echo (InvalidSignatureException quotes the canonical request).
    const credentials = async () => {
      const identity = await chain();
      registerAwsCredentialSecrets(identity);
      return identity;
    };
    return new Signer({ service: 'bedrock', region, credentials, sha256: Sha256 });
  };

  return async (request) => {
    signer ??= load();
    // A failed setup (no region) is not cached as success, but retrying it cannot help either.
    const instance = await signer.catch((error: unknown) => {
      signer = undefined;
      throw error;
    });
    const { url } = request;
    const signed = await instance.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
    return headers;
  };
}
