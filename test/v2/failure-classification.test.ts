// Classification order of docs/engine-rules.md, on hand-made failures.
import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, extractProviderMessage } from '../../src/models-v2/retry/failure-classification.ts';
import { headerLookup } from '../../src/models-v2/transport/header-lookup.ts';

const subject = { providerName: 'prov', modelAlias: 'alias' };

function classify(status: number, body: unknown, headers: Record<string, string> = {}) {
  return classifyHttpFailure(
    { status, header: headerLookup(headers), body, rawBody: typeof body === 'string' ? body : JSON.stringify(body) },
    subject,
    0,
    undefined,
  );
}

describe('failure classification', () => {
  it.each([
    [401, { error: { message: 'bad key' } }, 'ModelAuthenticationError'],
    [403, { error: { message: 'no' } }, 'ModelPermissionDeniedError'],
    [404, 'not here', 'ModelNotFoundError'],
    [408, {}, 'ModelTimeoutError'],
    [413, {}, 'ModelContextWindowExceededError'],
    [422, {}, 'ModelUnprocessableEntityError'],
    [429, {}, 'ModelRateLimitError'],
    [400, { error: { message: 'x', code: 'context_length_exceeded' } }, 'ModelContextWindowExceededError'],
    [400, { message: 'Too many tokens in the prompt' }, 'ModelContextWindowExceededError'],
    [400, { detail: 'temperature and top_p cannot both be specified' }, 'ModelUnsupportedParamsError'],
    [400, { error: { message: 'bad' } }, 'ModelBadRequestError'],
    [500, {}, 'ModelInternalServerError'],
    [503, {}, 'ModelInternalServerError'],
    [529, {}, 'ModelInternalServerError'],
    [418, {}, 'ModelAPIError'],
    [402, { error: { message: 'Not enough credits' } }, 'ModelQuotaExceededError'],
  ])('%i %j → %s', (status, body, expected) => {
    expect(classify(status, body).name).toBe(expected);
  });

  it('uses the Bedrock error type before the status', () => {
    const type = (name: string, status: number, message = 'x') =>
      classify(status, { message }, { 'x-amzn-ErrorType': `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/` }).name;
    expect(type('UnrecognizedClientException', 403)).toBe('ModelAuthenticationError');
    expect(type('ResourceNotFoundException', 404, 'Access denied. Legacy model')).toBe('ModelNotFoundError');
    expect(type('ModelNotReadyException', 429)).toBe('ModelInternalServerError');
    expect(type('ServiceQuotaExceededException', 400)).toBe('ModelQuotaExceededError');
    expect(type('ValidationException', 400, 'Input is too long for requested model.')).toBe('ModelContextWindowExceededError');
    expect(type('ValidationException', 400, 'on-demand throughput isn\u2019t supported')).toBe('ModelBadRequestError');
    expect(type('ModelErrorException', 424)).toBe('ModelInternalServerError');
  });

  it('normalises curly apostrophes and whitespace before matching', () => {
    expect(classify(400, { message: 'This   parameter is\nnot   supported' }).name).toBe('ModelUnsupportedParamsError');
    expect(classify(400, { message: 'The model can\u2019t: prompt is too long' }).name).toBe('ModelContextWindowExceededError');
  });

  it('uses the multimodal variant of bad request', () => {
    const error = classify(400, { error: { message: 'gpt-3.5 is not a multimodal model' } });
    expect(error.name).toBe('ModelBadRequestError');
    expect(error.message).toMatch(/not multimodal/);
  });

  it('never infers retryability from the word "retry"; x-should-retry decides', () => {
    expect(classify(400, { message: 'Please retry your request' }).retryable).toBe(false);
    expect(classify(400, {}, { 'x-should-retry': 'true' }).retryable).toBe(true);
    expect(classify(500, {}, { 'x-should-retry': 'false' }).retryable).toBe(false);
  });

  it('carries the hint and the provider message', () => {
    const error = classify(429, { error: { message: 'slow  down' } }, { 'retry-after': '2.5' });
    expect(error.retryAfterMs).toBe(2500);
    expect(error.providerMessage).toBe('slow down');
    expect(error.status).toBe(429);
    expect(error.modelAlias).toBe('alias');
  });

  it('extracts messages in the documented order', () => {
    expect(extractProviderMessage({ error: { message: 'a' }, message: 'b' }, 'raw')).toBe('a');
    expect(extractProviderMessage({ message: 'b', Message: 'c' }, 'raw')).toBe('b');
    expect(extractProviderMessage({ Message: 'c', detail: 'd' }, 'raw')).toBe('c');
    expect(extractProviderMessage({ detail: 'd' }, 'raw')).toBe('d');
    expect(extractProviderMessage(undefined, '404 page not found')).toBe('404 page not found');
  });
});
