// A 2xx body we cannot read as the expected shape; the router reports it as ModelAPIError and
// does not retry (the same request would get the same answer).
export class ResponseShapeError extends Error {
  /** What arrived, phrased to follow "<model> returned …". */
  readonly description: string;

  constructor(description: string) {
    super(`The provider returned ${description}`);
    this.name = 'ResponseShapeError';
    this.description = description;
  }
}
