import { describe, expect, it } from 'vitest';
import { MODEL_ERROR_CLASSES, type ModelErrorClassName } from '../../src/core/errors.ts';
import { classifyHttpError, parseAmznErrorType } from '../../src/models-legacy/retry/failure-classification.ts';
import { extractErrorMessage, normalizeErrorText } from '../../src/models-legacy/retry/error-message.ts';
import { CORPUS_ERROR_CASES } from './support/wire-corpus.ts';

// Expected class per real corpus response (docs/contract.md "Errors" + docs/engine-rules.md classification order).
const EXPECTED: Record<string, ModelErrorClassName> = {
  'anthropic/400_credit_balance_too_low.json': 'ModelQuotaExceededError',
  'anthropic/400_effort_not_supported.json': 'ModelBadRequestError',
  'anthropic/400_input_plus_max_tokens_exceed_context.json': 'ModelContextWindowExceededError',
  'anthropic/400_prompt_too_long.json': 'ModelContextWindowExceededError',
  'anthropic/401_authentication_error.json': 'ModelAuthenticationError',
  'anthropic/403_permission_error.json': 'ModelPermissionDeniedError',
  'anthropic/404_not_found_model_trailing_space.json': 'ModelNotFoundError',
  'anthropic/413_invalid_request_context_window.json': 'ModelContextWindowExceededError',
  'anthropic/413_request_too_large_cloudflare_shape.json': 'ModelContextWindowExceededError',
  'anthropic/429_headers_without_retry_after_2024.json': 'ModelRateLimitError',
  'anthropic/429_rate_limit_input_tokens_per_minute.json': 'ModelRateLimitError',
  'anthropic/429_rate_limit_retry_after_zero.json': 'ModelRateLimitError',
  'anthropic/500_api_error.json': 'ModelInternalServerError',
  'anthropic/529_overloaded_error.json': 'ModelInternalServerError',
  'anthropic/docs_error_shape_not_found.json': 'ModelNotFoundError',
  'bedrock/400_validation_input_too_long.json': 'ModelContextWindowExceededError',
  'bedrock/400_validation_invalid_model_identifier.json': 'ModelBadRequestError',
  'bedrock/400_validation_on_demand_throughput_curly_apostrophe.json': 'ModelBadRequestError',
  'bedrock/400_validation_prompt_too_long_model_errors.json': 'ModelContextWindowExceededError',
  'bedrock/400_validation_tool_result_blocks_same_turn.json': 'ModelBadRequestError',
  'bedrock/403_access_denied_iam_capital_Message.json': 'ModelPermissionDeniedError',
  'bedrock/403_access_denied_model_access.json': 'ModelPermissionDeniedError',
  'bedrock/403_unrecognized_client_invalid_token.json': 'ModelAuthenticationError',
  'bedrock/404_resource_not_found_legacy_model.json': 'ModelNotFoundError',
  'bedrock/408_model_timeout.json': 'ModelTimeoutError',
  'bedrock/429_model_not_ready.json': 'ModelInternalServerError',
  'bedrock/429_throttling_too_many_requests.json': 'ModelRateLimitError',
  'bedrock/429_throttling_too_many_tokens.json': 'ModelRateLimitError',
  'bedrock/500_internal_server_exception_stream_event.json': 'ModelInternalServerError',
  'bedrock/503_service_unavailable_stream_event.json': 'ModelInternalServerError',
  'bedrock/503_service_unavailable_too_many_connections.json': 'ModelInternalServerError',
  'openai/400_context_length_exceeded.json': 'ModelContextWindowExceededError',
  'openai/400_param_not_supported_code_null.json': 'ModelUnsupportedParamsError',
  'openai/400_unsupported_parameter_max_tokens.json': 'ModelUnsupportedParamsError',
  'openai/400_unsupported_value_developer_role.json': 'ModelBadRequestError',
  'openai/400_x_should_retry_true.json': 'ModelBadRequestError',
  'openai/401_invalid_api_key.json': 'ModelAuthenticationError',
  'openai/403_unsupported_country_region.json': 'ModelPermissionDeniedError',
  'openai/404_model_not_found_chat.json': 'ModelNotFoundError',
  'openai/404_model_not_found_embeddings.json': 'ModelNotFoundError',
  'openai/429_headers_no_retry_after.json': 'ModelRateLimitError',
  'openai/429_insufficient_quota.json': 'ModelQuotaExceededError',
  'openai/429_rate_limit_tpm.json': 'ModelRateLimitError',
  'openai/429_retry_after_fractional_seconds.json': 'ModelRateLimitError',
  'openai/429_retry_after_http_date.json': 'ModelRateLimitError',
  'openai/429_retry_after_ms.json': 'ModelRateLimitError',
  'openai/429_retry_after_ms_precedes_http_date.json': 'ModelRateLimitError',
  'openai/500_server_error_first_stream_chunk__http500.json': 'ModelInternalServerError',
  'openai/azure_400_content_filter.json': 'ModelBadRequestError',
  'openai/compat_deepseek_400_context_length.json': 'ModelContextWindowExceededError',
  'openai/compat_nim_403_problem_json.json': 'ModelPermissionDeniedError',
  'openai/compat_nim_404_plain_text_body.json': 'ModelNotFoundError',
  'openai/compat_nim_404_problem_json.json': 'ModelNotFoundError',
  'openai/compat_vllm_400_nested_error_int_code.json': 'ModelContextWindowExceededError',
  'openai/compat_vllm_400_toplevel_error_object.json': 'ModelBadRequestError',
};

describe('classifyHttpError on real corpus responses', () => {
  it('has an expectation for every corpus error case', () => {
    expect(CORPUS_ERROR_CASES.map((c) => c.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const c of CORPUS_ERROR_CASES) {
    it(`${c.file} → ${EXPECTED[c.file]}`, () => {
      const { errorClass } = classifyHttpError(c.status, c.headers, c.body);
      expect(errorClass).toBe(MODEL_ERROR_CLASSES[EXPECTED[c.file]]);
    });
  }
});

describe('classification rules', () => {
  it('puts quota before status: OpenAI insufficient_quota is a 429 that is not a rate limit', () => {
    const body = JSON.stringify({ error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: null } });
    expect(classifyHttpError(429, {}, body).errorClass.name).toBe('ModelQuotaExceededError');
  });

  it('treats Bedrock ServiceQuotaExceededException as quota whatever the status', () => {
    const headers = { 'x-amzn-errortype': 'ServiceQuotaExceededException:http://internal.amazon.com/coral/com.amazon.bedrock/' };
    expect(classifyHttpError(400, headers, '{"message":"limit reached"}').errorClass.name).toBe('ModelQuotaExceededError');
  });

  it('lets the Bedrock exception name beat the status (UnrecognizedClient 403 → authentication)', () => {
    const headers = { 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/' };
    expect(classifyHttpError(403, headers, '{"message":"bad token"}').errorClass.name).toBe('ModelAuthenticationError');
    expect(classifyHttpError(403, {}, '{"message":"bad token"}').errorClass.name).toBe('ModelPermissionDeniedError');
  });

  it('sends a ValidationException through the 400 rules', () => {
    const headers = { 'x-amzn-errortype': 'ValidationException' };
    expect(classifyHttpError(400, headers, '{"message":"temperature and top_p cannot both be specified"}').errorClass.name).toBe(
      'ModelUnsupportedParamsError',
    );
  });

  it('uses code context_length_exceeded even when the text has no phrase', () => {
    const body = JSON.stringify({ error: { message: 'too big', code: 'context_length_exceeded' } });
    expect(classifyHttpError(400, {}, body).errorClass.name).toBe('ModelContextWindowExceededError');
  });

  it('flags the not-multimodal variant of a bad request', () => {
    const result = classifyHttpError(400, {}, '{"error":{"message":"Model x is not a multimodal model"}}');
    expect(result.errorClass.name).toBe('ModelBadRequestError');
    expect(result.multimodal).toBe(true);
  });

  it('maps unknown statuses to ModelAPIError and 422 to unprocessable', () => {
    expect(classifyHttpError(418, {}, '').errorClass.name).toBe('ModelAPIError');
    expect(classifyHttpError(422, {}, '{"detail":"bad"}').errorClass.name).toBe('ModelUnprocessableEntityError');
  });

  it('attaches the provider message found in the envelope', () => {
    const iam = CORPUS_ERROR_CASES.find((c) => c.file === 'bedrock/403_access_denied_iam_capital_Message.json')!;
    expect(classifyHttpError(iam.status, iam.headers, iam.body).providerMessage).toMatch(/^User: arn:aws:iam::/);
    const nim = CORPUS_ERROR_CASES.find((c) => c.file === 'openai/compat_nim_403_problem_json.json')!;
    expect(classifyHttpError(nim.status, nim.headers, nim.body).providerMessage).toBe('Authorization failed');
  });
});

describe('extractErrorMessage', () => {
  it('tries error.message, message, Message, detail, then the raw text', () => {
    expect(extractErrorMessage('{"error":{"message":"a"},"message":"b"}').message).toBe('a');
    expect(extractErrorMessage('{"object":"error","message":"b"}').message).toBe('b');
    expect(extractErrorMessage('{"Message":"c"}').message).toBe('c');
    expect(extractErrorMessage('{"status":404,"detail":"d"}').message).toBe('d');
    expect(extractErrorMessage('404 page not found').message).toBe('404 page not found');
    expect(extractErrorMessage('').message).toBeUndefined();
  });

  it('collapses whitespace (Bedrock throttling text has a double space)', () => {
    expect(extractErrorMessage('{"message":"Too many requests.  Wait"}').message).toBe('Too many requests. Wait');
  });

  it('normalises curly apostrophes and case for phrase matching', () => {
    expect(normalizeErrorText('Isn\u2019t   Supported')).toBe("isn't supported");
  });

  it('splits the Bedrock error type header at the first colon', () => {
    expect(parseAmznErrorType('ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/')).toBe('ThrottlingException');
    expect(parseAmznErrorType(undefined)).toBeUndefined();
  });
});
