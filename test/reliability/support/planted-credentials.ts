// Distinctive values planted in every credential slot the library has. None of them looks like a
// key the generic patterns of src/core/secrets.ts would catch on their own (no `sk-` prefix, no
// `Bearer`/`x-api-key:` label in the echoes below), so only registration can keep them out.

export const PLANTED = {
  /** OpenAI apiKey, given as an env-var reference (DD_SCAN_OPENAI_KEY). */
  openaiKey: 'plantedOpenaiKeyQ7x9Wv2Lm4',
  /** Anthropic apiKey, given literally in the config. */
  anthropicKey: 'plantedAnthropicKey3Rk8Tz6Pc',
  /** Bedrock API key (bearer), given literally. */
  bedrockApiKey: 'plantedBedrockApiKey5Mn2Ly9Hd',
  awsAccessKeyId: 'AKIAPLANTEDZQ3XW9VK',
  awsSecretAccessKey: 'plantedAwsSecret/Kq4Jd8Hs2Fv6Nb1Lp+Xz',
  awsSessionToken: 'PlantedSessionToken9Yt4Gh7Rw2Xc5Vb8Nm3Qa',
  /** Provider `extraHeaders: { api-key: … }` (Azure-style header). */
  extraHeaderKey: 'plantedExtraHeaderKey6Dp1Sg8Wq',
  /** Provider `extraHeaders: { x-gateway-authorization: Bearer … }` on a gateway in front of OpenAI. */
  extraHeaderBearer: 'plantedGatewayBearer2Fh7Jx4Nz',
  /** Per-call `extra_headers: { x-call-token: … }`. */
  callToken: 'plantedCallToken8Hj3Kd5Rv1Ms',
  /** The password of `http://user:pass@host` endpoint credentials. */
  urlPassword: 'plantedUrlPassword4WqZ8Tn3',
} as const;

/** An ordinary header value that must stay readable: proves the echo reaches what we scan. */
export const CANARY = 'canary-tenant-visible-0001';

/** Every planted value that appears in `text` (whole, or its first 14 characters). */
export function leakedIn(text: string): string[] {
  return Object.entries(PLANTED)
    .filter(([, value]) => text.includes(value) || text.includes(value.slice(0, 14)))
    .map(([slot]) => slot);
}
