// Thrown by the transport when a success body grows past the provider's maxResponseBytes; the
// router turns it into ModelAPIError (not retried: the same request would get the same body).
export class ResponseTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`the response body exceeded ${limitBytes} bytes and was not read further`);
    this.name = 'ResponseTooLargeError';
    this.limitBytes = limitBytes;
  }
}
