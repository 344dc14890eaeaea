// The one error a parser throws to ask the model for a correction. Its message is sent back to
// the model verbatim as a user turn, so it is phrased as an instruction the model can follow;
// any other exception from a parser fails the generation at once.
export class ParserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message.trim(), options);
    this.name = 'ParserError';
  }
}

/** Turns the trimmed model answer into the caller's value, or throws `ParserError`. */
export type Parser<T> = (text: string) => T;

/**
 * The text the model sees for a failed parse: the root of the `cause` chain, as the source
 * system does, so a parser that wraps a lower-level error reports the lower-level reason.
 */
export function correctionText(error: Error): string {
  let root: Error = error;
  const seen = new Set<Error>([root]);
  while (root.cause instanceof Error && !seen.has(root.cause)) {
    root = root.cause;
    seen.add(root);
  }
  return root.message.trim();
}
