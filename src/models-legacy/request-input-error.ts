// Converters stay pure (no provider/model context), so they throw this; the router turns it into
// the public error class with the provider name and model alias filled in.

export type RequestInputErrorKind = 'bad_request' | 'unsupported_capability';

export class RequestInputError extends Error {
  readonly kind: RequestInputErrorKind;
  /** What the caller should change, as one sentence. */
  readonly solution: string;

  constructor(kind: RequestInputErrorKind, message: string, solution: string) {
    super(message);
    this.name = 'RequestInputError';
    this.kind = kind;
    this.solution = solution;
  }
}

export function badRequest(message: string, solution: string): RequestInputError {
  return new RequestInputError('bad_request', message, solution);
}

export function unsupportedCapability(message: string, solution: string): RequestInputError {
  return new RequestInputError('unsupported_capability', message, solution);
}
