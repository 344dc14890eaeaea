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

export function unsupportedContentPart(type: unknown, providerLabel: string): RequestInputError {
  return unsupportedCapability(
    `${providerLabel} cannot take a content part of type '${String(type)}' through this layer`,
    'Send text and image_url parts only, or use an OpenAI-compatible provider that accepts this part type.',
  );
}
