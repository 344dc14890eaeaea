// @retire-with-legacy: shadow mode goes with legacy
// What a shadow session (and the shadow worker thread) is given of the primary's provider: no key,
// no credential header value — checked on the value that crosses to the worker (a structured clone).
import { describe, expect, it } from 'vitest';
import { modelProviderSchema, resolveProvider } from '../../src/config/schemas.ts';
import { shadowSafeProvider } from '../../src/shadow/shadow-controller.ts';

describe('the provider a shadow session gets', () => {
  it('carries no key and a fake value in every credential-named extra header; other headers as configured', async () => {
    const provider = resolveProvider(
      modelProviderSchema.parse({
        name: 'p',
        endpoint: 'https://api.example.test/v1',
        providerType: 'openai',
        apiKey: 'sk-fake-shadow-key-0001',
        extraHeaders: { authorization: 'Bearer fake-shadow-secret-0002', 'x-api-key': 'fake-shadow-secret-0003', 'x-team': 'data' },
      }),
      {},
    );
    const safe = shadowSafeProvider(provider);
    expect(safe.apiKey).toBeUndefined();
    expect(safe.extraHeaders).toEqual({
      authorization: 'shadow-replay-fake-credential',
      'x-api-key': 'shadow-replay-fake-credential',
      'x-team': 'data',
    });
    // What crosses to the worker thread is a structured clone: nothing of the secrets in it.
    const cloned = JSON.stringify(structuredClone(safe));
    for (const secret of ['sk-fake-shadow-key-0001', 'fake-shadow-secret-0002', 'fake-shadow-secret-0003'])
      expect(cloned).not.toContain(secret);
  });
});
