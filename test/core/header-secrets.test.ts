// Which header values become secrets (docs/engine-rules.md, Secrets; issue 9, item 3).
import { describe, expect, it } from 'vitest';
import { isCredentialHeaderName } from '../../src/core/is-credential-header.ts';
import {
  MAX_PER_CALL_SECRETS,
  redactSecrets,
  registerAwsCredentialSecrets,
  registerCallHeaderSecrets,
  registerHeaderSecrets,
  registeredSecrets,
} from '../../src/core/secrets.ts';

describe('credential header values', () => {
  it('are registered for credential-like names, the bearer token also on its own', () => {
    registerHeaderSecrets({ 'api-key': 'hdrPlantedApiKey1', 'X-Gateway-Authorization': 'Bearer hdrPlantedBearer2' });
    expect(redactSecrets('a hdrPlantedApiKey1 b')).toBe('a *** b');
    expect(redactSecrets('token=hdrPlantedBearer2')).toBe('token=***');
  });

  it('leave ordinary header values readable', () => {
    registerHeaderSecrets({ 'anthropic-version': '2023-06-01', 'x-tenant': 'acme-corp', 'anthropic-beta': 'tools-2024' });
    expect(redactSecrets('version 2023-06-01 tenant acme-corp beta tools-2024')).toBe(
      'version 2023-06-01 tenant acme-corp beta tools-2024',
    );
  });

  it.each([
    ['authorization', true],
    ['x-api-key', true],
    ['api_key', true],
    ['x-amz-security-token', true],
    ['ocp-apim-subscription-key', true],
    ['cookie', true],
    ['x-session-id', true],
    ['anthropic-version', false],
    ['x-tenant', false],
    ['openai-organization', false],
  ])('%s is a credential header: %s', (name, expected) => {
    expect(isCredentialHeaderName(name)).toBe(expected);
  });

  it('registers resolved AWS credentials', () => {
    registerAwsCredentialSecrets({
      accessKeyId: 'AKIAHDRTESTPLANTED1',
      secretAccessKey: 'hdrSecretPlanted3',
      sessionToken: 'hdrSessionPlanted4',
    });
    expect(redactSecrets('AKIAHDRTESTPLANTED1 hdrSecretPlanted3 hdrSessionPlanted4')).toBe('*** *** ***');
  });

  it('scrubs the password of URL credentials', () => {
    expect(redactSecrets('fetch http://me:notRegistered99@host/v1 failed')).toBe('fetch http://me:***@host/v1 failed');
    expect(redactSecrets('http://127.0.0.1:8080/v1')).toBe('http://127.0.0.1:8080/v1');
  });
});

describe('per-call credential headers are bounded', () => {
  it('keeps the most recent MAX_PER_CALL_SECRETS released values; config secrets are never evicted', () => {
    registerHeaderSecrets({ 'api-key': 'cfg-bounded-key-never-evicted' });
    const before = registeredSecrets().length;
    for (let i = 0; i < MAX_PER_CALL_SECRETS + 500; i += 1) registerCallHeaderSecrets({ authorization: `Bearer call-token-${i}-abcdef` })();
    expect(registeredSecrets().length).toBeLessThanOrEqual(before + MAX_PER_CALL_SECRETS);
    expect(redactSecrets('echo cfg-bounded-key-never-evicted')).toBe('echo ***');
    expect(redactSecrets(`echo call-token-${MAX_PER_CALL_SECRETS + 499}-abcdef`)).toBe('echo ***');
  });

  it('never evicts a value a call still holds, however many calls come after it', () => {
    const release = registerCallHeaderSecrets({ 'x-api-key': 'held-by-a-slow-call-0x51' });
    for (let i = 0; i < MAX_PER_CALL_SECRETS * 3; i += 1) registerCallHeaderSecrets({ 'x-api-key': `churn-token-${i}-zz` })();
    expect(redactSecrets('401: bad key held-by-a-slow-call-0x51')).toBe('401: bad key ***');
    release();
    for (let i = 0; i < MAX_PER_CALL_SECRETS * 2; i += 1) registerCallHeaderSecrets({ 'x-api-key': `later-token-${i}-zz` })();
    expect(registeredSecrets()).not.toContain('held-by-a-slow-call-0x51');
  });
});
