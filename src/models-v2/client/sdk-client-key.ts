// SDK clients are shared per provider endpoint and credentials. The key never holds the key
// itself, only a digest, so dumping the pool cannot leak it.
import { createHash } from 'node:crypto';
import type { ResolvedProvider } from '../../config/schemas.ts';

export function sdkClientKey(provider: ResolvedProvider): string {
  const secret = provider.apiKey?.reveal();
  const fingerprint = secret ? createHash('sha256').update(secret).digest('hex').slice(0, 16) : 'no-key';
  return JSON.stringify([provider.providerType, provider.name, provider.endpoint, provider.region ?? '', fingerprint]);
}
