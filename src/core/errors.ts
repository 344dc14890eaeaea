// The error taxonomy of docs/contract.md "Errors". Both engines map provider failures onto these classes; how they
// decide which class applies is each engine's own business (written twice on purpose), but the
// wording a user reads is defined once, here.
import { PROVIDER_MESSAGE_LIMIT_CHARS } from './limits.ts';
import { scrubCause } from './scrubbed-cause.ts';
import { redactSecrets } from './secrets.ts';

export interface ModelErrorInit {
  providerName?: string;
  modelAlias?: string;
  status?: number;
  /** The provider's own message, whitespace-collapsed; secrets are scrubbed on construction. */
  providerMessage?: string;
  retryAfterMs?: number;
  /** Overrides the class default (e.g. `x-should-retry`). */
  retryable?: boolean;
  /** Replaces the class's default cause sentence. */
  causeText?: string;
  /** Replaces the class's default solution sentence. */
  solution?: string;
  /** What the caller was doing, e.g. "running generation for column 'x'". */
  purpose?: string;
  /**
   * The cause sentence already quotes the provider message (the context-window detail), so the
   * message does not repeat it after "Provider message:".
   */
  providerMessageInCause?: boolean;
  /**
   * The underlying exception (JS `Error.cause`). It is kept as a scrubbed stand-in (see
   * `scrubbed-cause.ts`): name, message, stack and codes survive, headers and bodies do not.
   */
  cause?: unknown;
}

interface ErrorDefaults {
  cause: string;
  solution: string;
  retryable: boolean;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A provider message longer than the limit keeps its head and says how much there was: a
 * hostile or broken server can send megabytes, which must not become the error's `message`.
 */
function excerpt(text: string): string {
  if (text.length <= PROVIDER_MESSAGE_LIMIT_CHARS) return text;
  const bytes = Buffer.byteLength(text, 'utf8');
  return `${text.slice(0, PROVIDER_MESSAGE_LIMIT_CHARS)}… [truncated, ${bytes} bytes]`;
}

function subject(init: ModelErrorInit): string {
  const parts: string[] = [];
  if (init.modelAlias) parts.push(`model '${init.modelAlias}'`);
  if (init.providerName) parts.push(`provider '${init.providerName}'`);
  return parts.length ? parts.join(' on ') : 'the model';
}

export class DataDesignerError extends Error {
  static readonly defaults: ErrorDefaults = {
    cause: 'An unexpected error occurred with {subject}',
    solution: 'Review the error details above; if it persists, report it with the stack trace.',
    retryable: false,
  };

  readonly causeText: string;
  readonly solution: string;
  readonly providerName?: string;
  readonly modelAlias?: string;
  readonly status?: number;
  readonly providerMessage?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** What the caller was doing, when the caller said so (an engine never knows). */
  readonly purpose?: string;
  // What this error was made from, scrubbed, so `withPurpose` can tell it again.
  #source: ModelErrorInit;
  readonly #providerMessageInCause: boolean;

  constructor(init: ModelErrorInit = {}) {
    const defaults = (new.target as unknown as { defaults: ErrorDefaults }).defaults;
    const purpose = init.purpose ?? 'running generation';
    const causeTemplate = init.causeText ?? defaults.cause;
    const causeText = redactSecrets(causeTemplate.replaceAll('{subject}', subject(init)).replaceAll('{purpose}', purpose));
    // Scrubbed before it is cut, so the cut can never leave half a secret behind. The engines read
    // at most ERROR_BODY_LIMIT_BYTES of an error body, which bounds the work done here.
    const providerMessage = init.providerMessage ? excerpt(redactSecrets(collapse(init.providerMessage))) : undefined;
    const solution = redactSecrets(init.solution ?? defaults.solution);
    const headline = /[.!?]$/.test(causeText) ? causeText : `${causeText} while ${purpose}.`;
    // Our own errors are scrubbed already and keep their class; anything else is replaced.
    const cause = init.cause instanceof DataDesignerError ? init.cause : scrubCause(init.cause);
    const told = providerMessage && !init.providerMessageInCause ? `${headline} Provider message: ${providerMessage}` : headline;
    super(told, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.causeText = headline;
    this.solution = solution;
    this.providerName = init.providerName;
    this.modelAlias = init.modelAlias;
    this.status = init.status;
    this.providerMessage = providerMessage;
    this.retryable = init.retryable ?? defaults.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.purpose = init.purpose;
    this.#providerMessageInCause = init.providerMessageInCause === true;
    this.#source = {};
    this.keepSource(init);
  }

  /** Subclasses that rewrite their init before `super` keep what they were given instead. */
  protected keepSource(init: ModelErrorInit): void {
    const providerMessage = init.providerMessage ? redactSecrets(collapse(init.providerMessage)) : undefined;
    this.#source = { ...init, providerMessage, cause: this.cause };
  }

  /**
   * The same error told from the caller's side. An engine does not know why it was called; the
   * facade does (e.g. "running health checks"), and retells provider errors with that purpose.
   * An error that already names a purpose, a ConfigError, or a class outside docs/contract.md "Errors"'s taxonomy
   * is returned as it is.
   */
  withPurpose(purpose: string): DataDesignerError {
    const Retold = this.constructor as new (init: ModelErrorInit) => DataDesignerError;
    if (this.purpose !== undefined || !RETELLABLE.has(Retold)) return this;
    const retold = new Retold({ ...this.#source, purpose });
    const frames = (this.stack ?? '').indexOf('\n    at ');
    if (frames >= 0) retold.stack = `${retold.name}: ${retold.message}${(this.stack ?? '').slice(frames)}`;
    return retold;
  }

  /** The multi-line block users see in logs. */
  render(): string {
    const rule = '  |----------';
    const lines = [`${this.name}`, rule];
    if (this.providerMessage && !this.#providerMessageInCause) lines.push(`  | Provider message: ${this.providerMessage}`);
    if (this.status !== undefined) lines.push(`  | Status: ${this.status}`);
    lines.push(`  | Cause: ${this.causeText}`, `  | Solution: ${this.solution}`, rule);
    return lines.join('\n');
  }

  override toString(): string {
    return this.render();
  }

  toJSON(): Record<string, unknown> {
    return {
      type: this.name,
      message: this.message,
      solution: this.solution,
      providerName: this.providerName,
      modelAlias: this.modelAlias,
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export class ConfigError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The configuration is invalid.',
    solution: 'Fix the configuration value named above and try again.',
    retryable: false,
  };
  /** Dotted path of the offending value, when known. */
  readonly path?: string;
  constructor(message: string, init: ModelErrorInit & { path?: string } = {}) {
    super({ ...init, causeText: message.endsWith('.') ? message : `${message}.` });
    this.path = init.path;
  }
}

export class ModelAuthenticationError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The API key for {subject} is invalid, expired or missing',
    solution: 'Verify the API key (or AWS credentials) configured for this provider.',
    retryable: false,
  };
}

export class ModelPermissionDeniedError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The credentials for {subject} lack permission to use this model',
    solution: 'Use a key or IAM role with access to this model, or choose another model.',
    retryable: false,
  };
}

export class ModelNotFoundError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The provider could not find {subject}',
    solution: 'Check the model id (no stray spaces) and that the provider serves it in this region/account.',
    retryable: false,
  };
}

const CONTEXT_DETAIL_MARKERS: readonly RegExp[] = [
  /this model's maximum context length is [^\n]*/i,
  /prompt is too long: \d+ tokens > \d+ maximum/i,
  /input length and `?max_tokens`? exceed context limit: [^\n]*/i,
];

export class ModelContextWindowExceededError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The input to {subject} exceeds its supported context width',
    solution: "Check the model's maximum context width and shorten the input plus the requested completion (max_tokens).",
    retryable: false,
  };
  /** The provider's token detail, e.g. "maximum context length is 32768 tokens", when given. */
  readonly detail?: string;
  constructor(init: ModelErrorInit = {}) {
    const detail = ModelContextWindowExceededError.parseDetail(init.providerMessage);
    const base = init.causeText ?? ModelContextWindowExceededError.defaults.cause;
    // The detail is the provider's own sentence: told once, in the cause.
    super({
      ...init,
      causeText: detail ? `${base} while ${init.purpose ?? 'running generation'}: ${detail}.` : base,
      providerMessageInCause: detail !== undefined,
    });
    this.detail = detail;
    this.keepSource(init);
  }

  static parseDetail(message: string | undefined): string | undefined {
    if (!message) return undefined;
    for (const marker of CONTEXT_DETAIL_MARKERS) {
      const found = marker.exec(message);
      if (found) {
        const text = found[0].split(' Please reduce ')[0].trim().replace(/[.]+$/, '');
        return text.length ? text : undefined;
      }
    }
    return undefined;
  }
}

export class ModelUnsupportedParamsError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'Some request parameters are not supported by {subject}',
    solution: 'Review the provider documentation and remove or rename the rejected parameters.',
    retryable: false,
  };
}

export class ModelBadRequestError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The request to {subject} was malformed or is missing required parameters',
    solution: 'Check the request parameters and messages against the provider documentation.',
    retryable: false,
  };
  static multimodal(init: ModelErrorInit): ModelBadRequestError {
    return new ModelBadRequestError({
      ...init,
      causeText: 'The model {subject} is not multimodal, but multimodal context was supplied',
      solution: 'Remove the image context or use a vision-capable model.',
    });
  }
}

export class ModelUnprocessableEntityError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The request to {subject} was well-formed but could not be processed',
    solution: 'This is often temporary; retry, and check the request content if it persists.',
    retryable: false,
  };
}

export class ModelRateLimitError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The rate limit of {subject} was exceeded',
    solution: 'Wait and retry, or lower maxParallelRequests for this model.',
    retryable: true,
  };
}

export class ModelQuotaExceededError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The provider reported insufficient credits or quota for {subject}',
    solution: 'Add credits or raise the quota/billing limit for this account; retrying will not help.',
    retryable: false,
  };
}

export class ModelTimeoutError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The request to {subject} timed out',
    solution: 'Check the connection to the provider, or raise inferenceParameters.timeoutSeconds.',
    retryable: true,
  };
}

/**
 * The attempt waited in the admission queue longer than `admission.queueTimeoutSeconds`: the
 * provider was never contacted. A timeout (so schedulers that salvage timeouts salvage it), but
 * never retried inside the engine.
 */
export class ModelRequestAdmissionTimeoutError extends ModelTimeoutError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The request to {subject} waited too long for admission and was not sent',
    solution:
      'Lower the number of concurrent calls, raise admission.queueTimeoutSeconds, or raise maxParallelRequests if the provider allows more.',
    retryable: false,
  };
}

export class ModelInternalServerError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: '{subject} is experiencing internal issues or is overloaded',
    solution: 'Retry later; if it persists, check the provider status page.',
    retryable: true,
  };
}

export class ModelAPIConnectionError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The connection to {subject} failed before a response arrived',
    solution: 'Check the endpoint URL, network, proxy and firewall settings.',
    retryable: true,
  };
}

export class ModelAPIError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'An unexpected API error occurred with {subject}',
    solution: 'Retry shortly; contact the provider if it persists.',
    retryable: false,
  };
}

export class ModelUnsupportedCapabilityError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: '{subject} does not support this operation',
    solution: 'Use a provider or model that supports the operation.',
    retryable: false,
  };
}

export type FailureKind = 'parse_error' | 'schema_validation' | 'tool_budget';

export class ModelGenerationValidationFailureError extends DataDesignerError {
  static override readonly defaults: ErrorDefaults = {
    cause: 'The output from {subject} could not be parsed into the requested format',
    solution: 'This is usually transient: retry, simplify the output schema, or raise max_tokens for high-reasoning tasks.',
    retryable: false,
  };
  readonly detail?: string;
  readonly failureKind?: FailureKind;
  constructor(init: ModelErrorInit & { detail?: string; failureKind?: FailureKind } = {}) {
    const detail = init.detail ? collapse(init.detail).replace(/\.$/, '') : undefined;
    const base = init.causeText ?? ModelGenerationValidationFailureError.defaults.cause;
    const causeText = detail ? `${base} while ${init.purpose ?? 'running generation'}. Validation detail: ${detail}.` : base;
    super({ ...init, causeText });
    this.detail = detail;
    this.failureKind = init.failureKind;
    this.keepSource(init);
  }
}

export const MODEL_ERROR_CLASSES = {
  DataDesignerError,
  ConfigError,
  ModelAuthenticationError,
  ModelPermissionDeniedError,
  ModelNotFoundError,
  ModelContextWindowExceededError,
  ModelUnsupportedParamsError,
  ModelBadRequestError,
  ModelUnprocessableEntityError,
  ModelRateLimitError,
  ModelQuotaExceededError,
  ModelTimeoutError,
  ModelRequestAdmissionTimeoutError,
  ModelInternalServerError,
  ModelAPIConnectionError,
  ModelAPIError,
  ModelUnsupportedCapabilityError,
  ModelGenerationValidationFailureError,
} as const;

export type ModelErrorClassName = keyof typeof MODEL_ERROR_CLASSES;

// The provider errors of docs/contract.md "Errors", whose constructors take the init alone; ConfigError is the
// caller's own input and is never retold.
const RETELLABLE: ReadonlySet<unknown> = new Set(Object.values(MODEL_ERROR_CLASSES).filter((Class) => Class !== ConfigError));
