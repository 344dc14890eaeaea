import {
  ModelAPIError,
  ModelAuthenticationError,
  ModelBadRequestError,
  ModelContextWindowExceededError,
  ModelInternalServerError,
  ModelNotFoundError,
  ModelPermissionDeniedError,
  ModelQuotaExceededError,
  ModelRateLimitError,
  ModelTimeoutError,
  ModelUnprocessableEntityError,
  ModelUnsupportedParamsError,
  type DataDesignerError,
  type ModelErrorInit,
} from '../../core/errors.ts';
import type { ErrorRule, ErrorRuleClass } from '../../core/dialects/server-dialect.ts';
import { extractErrorMessage, normalizeErrorText } from './error-message.ts';
import { matchServerErrorRule, serverErrorRules } from './server-error-rules.ts';

type ErrorClass = new (init?: ModelErrorInit) => DataDesignerError;

export interface HttpErrorClassification {
  errorClass: ErrorClass;
  /** Build with ModelBadRequestError.multimodal instead of the plain constructor. */
  multimodal: boolean;
  providerMessage?: string;
  /** Bedrock's exception name from `x-amzn-errortype`, when present. */
  amznErrorType?: string;
}

const QUOTA_PHRASES = [
  'insufficient_quota',
  'insufficient quota',
  'quota exceeded',
  'credit balance is too low',
  'purchase credits',
  'out of credits',
  'not enough credits',
  'insufficient credits',
];

const CONTEXT_PHRASES = [
  'context window',
  'context length',
  'maximum context',
  'too many tokens',
  'max tokens',
  'prompt is too long',
  'input is too long',
  'exceed context limit',
];

const UNSUPPORTED_PARAM_PHRASES = [
  'unsupported parameter',
  'not supported',
  'unknown parameter',
  'cannot both be specified',
  'please use only one',
  'mutually exclusive',
];

const SERVER_RULE_CLASSES: Record<ErrorRuleClass, ErrorClass> = {
  ModelQuotaExceededError,
  ModelContextWindowExceededError,
  ModelRateLimitError,
  ModelInternalServerError,
};

const MULTIMODAL_PHRASE = 'is not a multimodal model';

const AMZN_ERROR_CLASSES: Record<string, ErrorClass> = {
  // A bad or expired credential is an authentication problem, though Bedrock answers 403.
  UnrecognizedClientException: ModelAuthenticationError,
  ExpiredTokenException: ModelAuthenticationError,
  InvalidSignatureException: ModelAuthenticationError,
  AccessDeniedException: ModelPermissionDeniedError,
  ResourceNotFoundException: ModelNotFoundError,
  ThrottlingException: ModelRateLimitError,
  ModelTimeoutException: ModelTimeoutError,
  // ModelNotReadyException arrives as a 429 but is the model warming up, not rate limiting.
  ModelNotReadyException: ModelInternalServerError,
  ServiceUnavailableException: ModelInternalServerError,
  InternalServerException: ModelInternalServerError,
  ModelErrorException: ModelInternalServerError,
};

const hasAny = (text: string, phrases: readonly string[]): boolean => phrases.some((p) => text.includes(p));

/** `ThrottlingException:http://internal.amazon.com/coral/...` → `ThrottlingException`. */
export function parseAmznErrorType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const name = header.split(':')[0].trim();
  return name || undefined;
}

function classifyBadRequest(text: string, code: unknown): Pick<HttpErrorClassification, 'errorClass' | 'multimodal'> {
  if (code === 'context_length_exceeded' || hasAny(text, CONTEXT_PHRASES)) {
    return { errorClass: ModelContextWindowExceededError, multimodal: false };
  }
  if (hasAny(text, UNSUPPORTED_PARAM_PHRASES)) return { errorClass: ModelUnsupportedParamsError, multimodal: false };
  return { errorClass: ModelBadRequestError, multimodal: text.includes(MULTIMODAL_PHRASE) };
}

function classifyByStatus(status: number, text: string, code: unknown): Pick<HttpErrorClassification, 'errorClass' | 'multimodal'> {
  const plain = (errorClass: ErrorClass) => ({ errorClass, multimodal: false });
  if (status === 401) return plain(ModelAuthenticationError);
  if (status === 403) return plain(ModelPermissionDeniedError);
  if (status === 404) return plain(ModelNotFoundError);
  if (status === 408) return plain(ModelTimeoutError);
  if (status === 413) return plain(ModelContextWindowExceededError);
  if (status === 400 && (code === 'context_length_exceeded' || hasAny(text, CONTEXT_PHRASES))) {
    return plain(ModelContextWindowExceededError);
  }
  if (status === 422) return plain(ModelUnprocessableEntityError);
  if (status === 429) return plain(ModelRateLimitError);
  if (status === 400) return classifyBadRequest(text, code);
  if (status >= 500 && status <= 599) return plain(ModelInternalServerError);
  return plain(ModelAPIError);
}

/**
 * Maps a non-2xx response onto the docs/contract.md "Errors" taxonomy in the order fixed by docs/engine-rules.md:
 * the server rows of the provider's dialect, then quota (a quota 429 must not be retried), then Bedrock's
 * exception name, then the status.
 */
export function classifyHttpError(
  status: number,
  headers: Record<string, string>,
  bodyText: string,
  rules: readonly ErrorRule[] = serverErrorRules(undefined),
): HttpErrorClassification {
  const { message, code, type } = extractErrorMessage(bodyText);
  const text = normalizeErrorText(message ?? '');
  const amznErrorType = parseAmznErrorType(headers['x-amzn-errortype']);
  const base = { providerMessage: message, amznErrorType };

  const ruled = matchServerErrorRule(rules, { status, code, type, amznErrorType, text });
  if (ruled) return { ...base, errorClass: SERVER_RULE_CLASSES[ruled], multimodal: false };
  // OpenAI's insufficient_quota sits in `type`/`code`, not in the message: search the whole body.
  if (hasAny(`${text} ${normalizeErrorText(bodyText)}`, QUOTA_PHRASES) || amznErrorType === 'ServiceQuotaExceededException') {
    return { ...base, errorClass: ModelQuotaExceededError, multimodal: false };
  }
  if (amznErrorType === 'ValidationException') return { ...base, ...classifyBadRequest(text, code) };
  const amznClass = amznErrorType ? AMZN_ERROR_CLASSES[amznErrorType] : undefined;
  if (amznClass) return { ...base, errorClass: amznClass, multimodal: false };
  return { ...base, ...classifyByStatus(status, text, code) };
}
