// The config of the secret scan: one provider per credential slot, all pointing at the echo server.
import { CANARY, PLANTED } from './planted-credentials.ts';

/** Model alias → what it exercises. */
export const TARGETS = ['openai', 'anthropic', 'bedrock-key', 'bedrock-sigv4'] as const;
export type Target = (typeof TARGETS)[number];

/** The environment handed to the registry (secret references resolve against it). */
export const SCAN_ENV = { DD_SCAN_OPENAI_KEY: PLANTED.openaiKey };

/** AWS credentials reach the default credential chain through the process environment only. */
export const AWS_ENV = {
  AWS_ACCESS_KEY_ID: PLANTED.awsAccessKeyId,
  AWS_SECRET_ACCESS_KEY: PLANTED.awsSecretAccessKey,
  AWS_SESSION_TOKEN: PLANTED.awsSessionToken,
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Per-call headers every scanned call sends. */
export const CALL_HEADERS = { 'x-call-token': PLANTED.callToken };

export function scanConfig(url: string) {
  const extraHeaders = { 'api-key': PLANTED.extraHeaderKey, 'x-tenant': CANARY };
  return {
    providers: [
      {
        name: 'echo-openai',
        endpoint: `${url}/v1`,
        providerType: 'openai',
        apiKey: 'DD_SCAN_OPENAI_KEY',
        extraHeaders: { ...extraHeaders, 'x-gateway-authorization': `Bearer ${PLANTED.extraHeaderBearer}` },
      },
      { name: 'echo-anthropic', endpoint: url, providerType: 'anthropic', apiKey: PLANTED.anthropicKey, extraHeaders },
      {
        name: 'echo-bedrock-key',
        endpoint: url,
        providerType: 'bedrock',
        region: 'us-east-1',
        apiKey: PLANTED.bedrockApiKey,
        extraHeaders,
      },
      { name: 'echo-bedrock-sigv4', endpoint: url, providerType: 'bedrock', region: 'us-east-1', extraHeaders },
    ],
    models: [
      { alias: 'openai', model: 'gpt-4.1-mini', provider: 'echo-openai' },
      { alias: 'anthropic', model: 'claude-sonnet-4-5', provider: 'echo-anthropic' },
      { alias: 'bedrock-key', model: 'us.amazon.nova-micro-v1:0', provider: 'echo-bedrock-key' },
      { alias: 'bedrock-sigv4', model: 'us.amazon.nova-micro-v1:0', provider: 'echo-bedrock-sigv4' },
    ],
  };
}
