// JSON answers: taken from a ```json fence (the source system's convention) or, failing that,
// from a bare object/array in the text, then validated by a zod schema. Every failure message is
// written for the model, which receives it as its correction prompt.
import type { z } from 'zod';
import { findFencedBlocks } from './fenced-blocks.ts';
import { ParserError, type Parser } from './parser-error.ts';

const NO_JSON = 'No parsable JSON structure within ```json markdown fence.';
const ASK_FOR_FENCE = 'Reply with the complete JSON inside one ```json fenced code block.';

export interface JsonParserOptions {
  /** How the schema is named in correction messages (default "<response_schema>"). */
  schemaName?: string;
}

export function jsonParser<T = unknown>(schema?: z.ZodType<T>, options: JsonParserOptions = {}): Parser<T> {
  const schemaName = options.schemaName ?? '<response_schema>';
  return (text) => {
    const value = extractJson(text);
    if (!schema) return value as T;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new ParserError(`Response doesn't match requested ${schemaName}\n${formatIssues(result.error)}`);
  };
}

/** The JSON value of an answer, or a ParserError saying what to fix. */
export function extractJson(text: string): unknown {
  const blocks = findFencedBlocks(text);
  const tagged = blocks.filter((b) => b.language === 'json' || b.language === 'jsonc' || b.language === 'json5');
  const candidates = tagged.length > 0 ? tagged : blocks.filter((b) => b.language === '');
  if (candidates.length > 0) {
    // The answer usually follows any example the model quotes first, so the last block wins.
    const block = candidates[candidates.length - 1];
    if (!block.closed) {
      throw new ParserError(`The \`\`\`json block is not closed; the answer looks cut off. ${ASK_FOR_FENCE}`);
    }
    try {
      return JSON.parse(block.body);
    } catch (error) {
      throw new ParserError(`The \`\`\`json block is not valid JSON (${(error as Error).message}). ${ASK_FOR_FENCE}`);
    }
  }
  const bare = findBareJson(text);
  if (bare !== undefined) return bare;
  throw new ParserError(`${NO_JSON} ${ASK_FOR_FENCE}`);
}

// The whole answer as JSON, else the first balanced object/array embedded in prose.
function findBareJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // Fall through to the scan: the object may be followed by prose.
    }
  }
  for (let start = 0; start < text.length; start++) {
    const ch = text[start];
    if (ch !== '{' && ch !== '[') continue;
    const end = matchingBracket(text, start);
    if (end < 0) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // Not JSON (e.g. "[1]" in prose was fine, "{x}" is not); keep scanning.
    }
  }
  return undefined;
}

// Index of the bracket closing the one at `start`, skipping brackets inside JSON strings.
function matchingBracket(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
      return `- at ${path}: ${issue.message}`;
    })
    .join('\n');
}
