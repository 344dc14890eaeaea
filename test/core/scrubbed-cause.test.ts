// The cause an error keeps is a scrubbed stand-in: debugging facts survive, request and response
// objects do not (issue 9, item 1).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DataDesignerError, ModelAuthenticationError } from '../../src/core/errors.ts';
import { scrubCause } from '../../src/core/scrubbed-cause.ts';
import { registerSecret } from '../../src/core/secrets.ts';

const KEY = 'scrubTestPlantedKey7Hq2Vd9';
const UNREGISTERED = 'unregisteredHeaderValue4Kp8';
registerSecret(KEY);

/** Shaped like what the SDKs throw: status and ids next to headers, request and raw response. */
function sdkLikeError(): Error {
  const error = new Error(`401 Incorrect API key provided: ${KEY}`, { cause: new Error(`socket said ${KEY}`) });
  error.name = 'AuthenticationError';
  Object.assign(error, {
    status: 401,
    code: 'invalid_api_key',
    headers: { 'x-echo-authorization': `Bearer ${UNREGISTERED}` },
    request: { headers: { authorization: `Bearer ${KEY}` } },
    $metadata: { httpStatusCode: 401, requestId: 'req-123' },
    $response: { body: `raw ${UNREGISTERED}` },
  });
  return error;
}

describe('scrubbed causes', () => {
  it('keep name, message, status, code and request id, scrubbed, and drop every other field', () => {
    const error = new ModelAuthenticationError({ providerName: 'p', cause: sdkLikeError() });
    const cause = error.cause as Error & Record<string, unknown>;
    expect(cause.name).toBe('AuthenticationError');
    expect(cause.message).toBe('401 Incorrect API key provided: ***');
    expect(cause).toMatchObject({ status: 401, code: 'invalid_api_key', requestId: 'req-123' });
    expect(cause.headers).toBeUndefined();
    expect(cause.$response).toBeUndefined();
    expect((cause.cause as Error).message).toBe('socket said ***');
    const shown = inspect(error, { depth: Infinity, showHidden: true });
    expect(shown).toContain('AuthenticationError');
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain(UNREGISTERED);
  });

  it('keep built-in classes, survive cycles and non-Error throws', () => {
    expect(scrubCause(new TypeError(`bad ${KEY}`))).toBeInstanceOf(TypeError);
    const looped = new Error('loop') as Error & { cause?: unknown };
    looped.cause = looped;
    expect((scrubCause(looped)!.cause as Error).message).toBe('[circular cause]');
    // A thrown plain object is described by its kind and keys, never its values (headers, bodies,
    // an unregistered credential), and never at its full size.
    const thrown = scrubCause({ token: KEY, body: 'x'.repeat(1_000_000), headers: { 'x-api-key': 'unregisteredEcho0x9' } });
    expect(thrown?.message).toBe('[object Object] with keys token, body, headers');
    expect(scrubCause('a plain string')?.message).toBe('a plain string');
    expect(scrubCause(undefined)).toBeUndefined();
  });

  it('keep our own errors as they are', () => {
    const inner = new ModelAuthenticationError({ providerName: 'p' });
    expect(new DataDesignerError({ cause: inner }).cause).toBe(inner);
  });
});
