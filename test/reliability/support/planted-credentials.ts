// Distinctive values planted in every credential slot the library has. None of them looks like a
// key the generic patterns of src/core/secrets.ts would catch on their own (no `sk-` prefix, no
// `Bearer`/`x-api-key:` label in the echoes below), so only registration can keep them out.
import { Buffer } from 'node:buffer';

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

// The scan reads text as a leak reader would: it undoes JSON escapes (`\uXXXX`, `\/`) and URL
// escapes (`%XX`), and decodes every base64 / base64url run at each of its four character offsets,
// before looking for a planted value. It decodes the text rather than encoding the values, so that
// it shares nothing with the redactor under test (src/core/secret-forms.ts).

/** `text` with JSON and URL escapes undone (ASCII only: every planted value is ASCII). */
export function unescaped(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\\//g, '/')
    .replace(/%([0-7][0-9a-fA-F])/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}/g;

/** What every base64 run in `text` decodes to, read from each of its first four characters. */
export function base64Decodings(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text.matchAll(BASE64_RUN)) {
    const standard = run.replace(/-/g, '+').replace(/_/g, '/');
    for (let offset = 0; offset < 4; offset += 1) {
      // Node decodes an unpadded tail too (its last whole bytes).
      out.push(Buffer.from(standard.slice(offset), 'base64').toString('latin1'));
    }
  }
  return out;
}

/** Every planted value that appears in `text` (whole, or its first 14 characters), in any of the forms above. */
export function leakedIn(text: string): string[] {
  const plain = unescaped(text);
  const readings = [text, plain, ...base64Decodings(plain)];
  return Object.entries(PLANTED)
    .filter(([, value]) => readings.some((reading) => reading.includes(value) || reading.includes(value.slice(0, 14))))
    .map(([slot]) => slot);
}
