// Maps a failed provider response onto the docs/contract.md "Errors" error classes, in the classification order of
// docs/engine-rules.md (Errors). Each SDK adapter first reduces its own exception to an
// `HttpFailure`; everything after that is decided here, once, for all three providers.
import {
  type DataDesignerError,
  ModelAPIError,
  ModelAuthenticationError,
  ModelBadRequestError,
  ModelContextWindowExceededError,
  type ModelErrorInit,
  ModelInternalServerError,
  ModelNotFoundError,
  ModelPermissionDeniedError,
  ModelQuotaExceededError,
  ModelRateLimitError,
  ModelTimeoutError,
  ModelUnprocessableEntityError,
  ModelUnsupportedParamsError,
} from '../../core/errors.ts';
import type { ErrorRule, ErrorRuleClass } from '../../core/dialects/server-dialect.ts';
import type { HeaderLookup } from '../transport/header-lookup.ts';
import { parseRetryHintMs, parseShouldRetry } from './retry-hints.ts';
import { classByErrorRule, errorRulesFor } from './server-error-rules.ts';

/** Who failed, for the error message. */
export interface ErrorSubject {
  providerName: string;
  modelAlias: string;
}

export interface HttpFailure {
  status: number | undefined;
  header: HeaderLookup;
  /** The body parsed as JSON, when it was JSON. */
  body?: unknown;
  /** The body as received, when it could be read. */
  rawBody?: string;
  /** What the SDK made of the failure; used only when the body yields no message. */
  sdkMessage?: string;
}

type ErrorClass = new (init: ModelErrorInit) => DataDesignerError;

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

const RULE_CLASSES: Readonly<Record<ErrorRuleClass, ErrorClass>> = {
  ModelQuotaExceededError,
  ModelContextWindowExceededError,
  ModelRateLimitError,
  ModelInternalServerError,
};

const AWS_ERROR_TYPES: Readonly<Record<string, ErrorClass>> = {
  UnrecognizedClientException: ModelAuthenticationError,
  ExpiredTokenException: ModelAuthenticationError,
  InvalidSignatureException: ModelAuthenticationError,
  AccessDeniedException: ModelPermissionDeniedError,
  ResourceNotFoundException: ModelNotFoundError,
  ThrottlingException: ModelRateLimitError,
  ModelTimeoutException: ModelTimeoutError,
  ModelNotReadyException: ModelInternalServerError,
  ServiceUnavailableException: ModelInternalServerError,
  InternalServerException: ModelInternalServerError,
  ModelErrorException: ModelInternalServerError,
};

/** Lower-cased, U+2019 → "'", whitespace collapsed: the form every phrase is matched against. */
export function normalizeForMatching(text: string): string {
  return text
    .replace(/\u2019/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** `error.message`, `message`, `Message`, `detail`, then the raw body. */
export function extractProviderMessage(body: unknown, rawBody: string | undefined): string | undefined {
  return (
    nonEmptyString(field(field(body, 'error'), 'message')) ??
    nonEmptyString(field(body, 'message')) ??
    nonEmptyString(field(body, 'Message')) ??
    nonEmptyString(field(body, 'detail')) ??
    nonEmptyString(rawBody)
  );
}

/**
 * The exception name from `x-amzn-errortype` (`Name:http://internal…`). Only the header counts
 * (engine-rules, Errors): the SDK also names errors from a body `code`/`__type`, which Bedrock
 * never sends but an intermediary rebuilding the error may, and legacy reads the header alone.
 */
export function awsErrorTypeOf(failure: HttpFailure): string | undefined {
  const header = failure.header('x-amzn-errortype');
  return header?.split(':')[0]?.trim() || undefined;
}

function pickClass(failure: HttpFailure, message: string, quotaText: string, rules: readonly ErrorRule[]): ErrorClass {
  const awsType = awsErrorTypeOf(failure);
  const error = field(failure.body, 'error');
  const facts = { status: failure.status, code: field(error, 'code'), type: field(error, 'type'), awsType, message };
  const byRule = classByErrorRule(rules, facts);
  if (byRule) return RULE_CLASSES[byRule];
  if (awsType === 'ServiceQuotaExceededException') return ModelQuotaExceededError;
  if (QUOTA_PHRASES.some((phrase) => quotaText.includes(phrase))) return ModelQuotaExceededError;
  const byAwsType = awsType ? AWS_ERROR_TYPES[awsType] : undefined;
  if (byAwsType) return byAwsType;
  // ValidationException takes the 400 rules whatever the status; other types take the status's.
  const status = awsType === 'ValidationException' ? 400 : failure.status;
  const hasAny = (phrases: string[]): boolean => phrases.some((phrase) => message.includes(phrase));
  const code = facts.code;
  if (status === 401) return ModelAuthenticationError;
  if (status === 403) return ModelPermissionDeniedError;
  if (status === 404) return ModelNotFoundError;
  if (status === 408) return ModelTimeoutError;
  if (status === 413 || (status === 400 && (hasAny(CONTEXT_PHRASES) || code === 'context_length_exceeded'))) {
    return ModelContextWindowExceededError;
  }
  if (status === 422) return ModelUnprocessableEntityError;
  if (status === 429) return ModelRateLimitError;
  if (status === 400 && hasAny(UNSUPPORTED_PARAM_PHRASES)) return ModelUnsupportedParamsError;
  if (status === 400) return ModelBadRequestError;
  if (status !== undefined && ((status >= 500 && status <= 599) || status === 529)) return ModelInternalServerError;
  return ModelAPIError;
}

/** `rules`: the provider's dialect rows then every server's (server-error-rules.ts); the default dialect's when unset. */
export function classifyHttpFailure(
  failure: HttpFailure,
  subject: ErrorSubject,
  nowMs: number,
  cause: unknown,
  rules: readonly ErrorRule[] = errorRulesFor(undefined),
): DataDesignerError {
  const rawBody = failure.rawBody ?? (failure.body !== undefined ? JSON.stringify(failure.body) : undefined);
  const providerMessage = extractProviderMessage(failure.body, rawBody) ?? nonEmptyString(failure.sdkMessage);
  const message = normalizeForMatching(providerMessage ?? '');
  const quotaText = `${message} ${normalizeForMatching(rawBody ?? '')}`;
  const ErrorType = pickClass(failure, message, quotaText, rules);
  const init: ModelErrorInit = {
    ...subject,
    status: failure.status,
    providerMessage,
    retryAfterMs: parseRetryHintMs(failure.header, nowMs),
    retryable: parseShouldRetry(failure.header),
    cause,
  };
  if (ErrorType === ModelBadRequestError && message.includes('is not a multimodal model')) {
    return ModelBadRequestError.multimodal(init);
  }
  return new ErrorType(init);
}

/** A 2xx whose body is not what the operation returns: never retried. */
export function malformedResponseError(subject: ErrorSubject, what: string, cause?: unknown): ModelAPIError {
  return new ModelAPIError({
    ...subject,
    causeText: `{subject} returned a response that is not a valid ${what}`,
    retryable: false,
    cause,
  });
}
