// Code answers: the first fenced block in the requested language. Models often omit the tag, so
// an untagged block is accepted when no block is tagged with another language.
import { findFencedBlocks } from './fenced-blocks.ts';
import { ParserError, type Parser } from './parser-error.ts';

// Tags models use interchangeably for one language.
const LANGUAGE_ALIASES: Record<string, readonly string[]> = {
  python: ['python', 'py', 'python3'],
  javascript: ['javascript', 'js', 'mjs', 'node'],
  typescript: ['typescript', 'ts'],
  bash: ['bash', 'sh', 'shell', 'zsh'],
  sql: ['sql', 'postgresql', 'postgres', 'mysql', 'sqlite'],
  yaml: ['yaml', 'yml'],
  json: ['json', 'jsonc'],
};

function tagsFor(language: string): Set<string> {
  const wanted = language.toLowerCase();
  for (const tags of Object.values(LANGUAGE_ALIASES)) {
    if (tags.includes(wanted)) return new Set(tags);
  }
  return new Set([wanted]);
}

export function codeBlockParser(language: string): Parser<string> {
  const tags = tagsFor(language);
  const fence = '```' + language.toLowerCase();
  return (text) => {
    const blocks = findFencedBlocks(text).filter((b) => b.closed);
    const match = blocks.find((b) => tags.has(b.language)) ?? (blocks.every((b) => b.language === '') ? blocks[0] : undefined);
    if (match) {
      const code = match.body.trim();
      if (code.length > 0) return code;
    }
    if (blocks.length > 0 && !match) {
      throw new ParserError(
        `Responded with code not matching the requested syntax (${language}). Reply with the ${language} code inside one ${fence} fenced code block.`,
      );
    }
    throw new ParserError(`No parsable code response. Reply with the ${language} code inside one ${fence} fenced code block.`);
  };
}
