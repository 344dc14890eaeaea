import { ParserError, type Parser } from './parser-error.ts';

/** The answer as text (already trimmed by the facade). */
export const textParser: Parser<string> = (text) => text;

/** Text that must not be empty: health checks use it, since an empty reply is a broken model. */
export const nonEmptyTextParser: Parser<string> = (text) => {
  if (text.length === 0) throw new ParserError('The response was empty. Reply with a non-empty text answer.');
  return text;
};
