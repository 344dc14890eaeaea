// A config file's text as data (YAML or JSON), with syntax errors a user can act on and that
// never quote the file (issue 25, items 2 and 7).
//
// - Never quote the source. The YAML parser's message carries the offending line and the line
//   before it, and V8's JSON.parse quotes up to ~30 characters around the fault: an API key on a
//   line near the error was printed in clear (`message`, `cause`, util.inspect). A syntax error is
//   reported as a line, a column and a sentence of ours chosen by the parser's error code (JSON:
//   found by our own scan); the parser's error is not kept as the cause.
// - Linear time. The YAML parser's own duplicate-key check compares each key with every earlier
//   key of its mapping (66k keys: 36 s). It is turned off and replaced by one pass with a Set per
//   mapping, which reports the same duplicates (scalar keys equal by value, as the parser does).
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode, YAMLError } from 'yaml';

// The YAML parser (about 70 modules) loads with the first YAML text, not with the package: most
// hosts pass config objects (cold start, docs/benchmarks.md). Parsing stays synchronous, hence
// require; yaml's "node" export is the same CommonJS file an import would load.
const requireHere = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= requireHere('yaml') as typeof import('yaml'));

/** Where a syntax error is and what is wrong, in our words (no source text). */
export interface SyntaxProblem {
  line: number;
  column: number;
  problem: string;
}

export class ConfigSyntaxError extends Error {
  readonly line?: number;
  readonly column?: number;
  readonly problem: string;
  constructor(where: Partial<SyntaxProblem> & { problem: string }) {
    super(where.line ? `line ${where.line}, column ${where.column}: ${where.problem}` : where.problem);
    this.name = 'ConfigSyntaxError';
    this.line = where.line;
    this.column = where.column;
    this.problem = where.problem;
  }
}

// What each YAML error code means, worded without any part of the source (yaml 2.x ErrorCode).
const YAML_PROBLEMS: Readonly<Record<string, string>> = {
  ALIAS_PROPS: 'an alias (*name) cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias (*name) refers to an anchor that is not defined before it',
  BAD_COLLECTION_TYPE: 'a tag does not fit the collection it is on',
  BAD_DIRECTIVE: 'a % directive is not valid',
  BAD_DQ_ESCAPE: 'a double-quoted string holds an invalid escape sequence',
  BAD_INDENT: 'the indentation is wrong (an item is indented less or more than its siblings)',
  BAD_PROP_ORDER: 'an anchor or a tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value starts with a character that needs quoting (such as @, ` or %)',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection cannot be used as a key',
  BLOCK_IN_FLOW: 'a block collection is inside a flow collection ({ } or [ ])',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  IMPOSSIBLE: 'the YAML parser reached a state it does not handle',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a closing character is missing (a quote, a bracket, a brace or a colon)',
  MULTILINE_IMPLICIT_KEY: 'a key spans more than one line (a missing colon or a wrongly indented line?)',
  MULTIPLE_ANCHORS: 'a node has more than one anchor',
  MULTIPLE_DOCS: 'the file holds more than one YAML document (---); a config is one document',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'collections are nested too deeply',
  TAB_AS_INDENT: 'a tab is used for indentation; indent with spaces',
  TAG_RESOLVE_FAILED: 'a tag cannot be resolved',
  UNEXPECTED_TOKEN: 'unexpected text here (a missing colon, an unclosed quote or a wrongly indented line?)',
};

function yamlProblem(error: YAMLError, counter: LineCounter): ConfigSyntaxError {
  const problem = YAML_PROBLEMS[error.code] ?? `YAML syntax error (${error.code})`;
  if (error.pos[0] < 0) return new ConfigSyntaxError({ problem });
  const { line, col } = counter.linePos(error.pos[0]);
  return new ConfigSyntaxError({ line, column: col, problem });
}

interface Located {
  range?: [number, number, number] | null;
}

/**
 * The first key that repeats an earlier key of the same mapping, with both positions: one pass
 * over the document, a Set per mapping. Scalar keys are equal when their values are (`1` and
 * `"1"` differ, as in the parser's own check); other keys are never equal to one another.
 */
function firstDuplicateKey(doc: Document, counter: LineCounter): ConfigSyntaxError | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Map<unknown, Located>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isScalar(key)) {
          const earlier = seen.get(key.value);
          if (earlier) return duplicateAt(key, earlier, counter);
          seen.set(key.value, key);
        } else if (key && typeof key === 'object') {
          pending.push(key);
        }
        pending.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    }
  }
  return undefined;
}

function duplicateAt(key: YamlNode, earlier: Located, counter: LineCounter): ConfigSyntaxError {
  const at = counter.linePos(key.range?.[0] ?? 0);
  const first = earlier.range ? counter.linePos(earlier.range[0]) : undefined;
  const firstText = first ? ` (first at line ${first.line}, column ${first.col})` : '';
  return new ConfigSyntaxError({ line: at.line, column: at.col, problem: `${YAML_PROBLEMS.DUPLICATE_KEY}${firstText}` });
}

/** Deeper flow nesting ([ and { inside each other) than any config has; a config nests 5 deep. */
export const MAX_FLOW_DEPTH = 1000;

/**
 * Where unclosed `[` / `{` first nest deeper than MAX_FLOW_DEPTH. The parser recurses per level
 * until the stack runs out (256 KiB of `[` took over a second); this one pass refuses such text
 * first. Brackets inside quoted or plain text count too: only a text with a thousand unclosed
 * brackets in a row is refused, which no config has.
 */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** YAML text as plain data; throws ConfigSyntaxError (no source text in it). */
export function parseYamlText(text: string): unknown {
  const { LineCounter, parseDocument } = yaml();
  const deep = tooDeep(text);
  if (deep !== undefined) {
    throw new ConfigSyntaxError({ ...lineAndColumn(text, deep), problem: `brackets are nested more than ${MAX_FLOW_DEPTH} deep` });
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: counter });
  if (doc.errors.length > 0) throw yamlProblem(doc.errors[0], counter);
  const duplicate = firstDuplicateKey(doc, counter);
  if (duplicate) throw duplicate;
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // toJS fails on aliases only: one with no anchor before it, or too many expansions. Its
    // message names the alias (source text), so it is only used to choose our sentence.
    const message = (error as Error).message ?? '';
    if (/^Unresolved alias/.test(message)) throw new ConfigSyntaxError({ problem: YAML_PROBLEMS.BAD_ALIAS });
    if (/^Excessive alias count/.test(message)) throw new ConfigSyntaxError({ problem: 'aliases expand to too many nodes' });
    throw new ConfigSyntaxError({ problem: 'the YAML document cannot be turned into data' });
  }
}

const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Where the first JSON syntax error is, found by one pass over the text (JSON.parse's own message
 * quotes the text around it). Undefined when the scan finds the text valid.
 */
export function findJsonSyntaxError(text: string): { offset: number; problem: string } | undefined {
  const n = text.length;
  const closers: string[] = [];
  let i = 0;
  let expect: 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after' = 'value';
  const fail = (problem: string, offset = i) => ({ offset, problem });

  // Consumes a string starting at text[i] === '"'; returns a problem or undefined.
  const readString = (): { offset: number; problem: string } | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const escaped = text[i + 1];
        if (escaped === undefined) break;
        if (JSON_ESCAPES.has(escaped)) i += 2;
        else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return fail(escaped === 'u' ? 'a \\u escape needs four hexadecimal digits' : 'a string holds an unknown escape sequence');
        continue;
      }
      if (c < 0x20) return fail('a string holds a raw control character (a line break or a tab); write it as an escape');
      i++;
    }
    return fail('a string is never closed (a missing double quote)', start);
  };

  for (;;) {
    while (i < n && JSON_WHITESPACE.has(text[i])) i++;
    if (i >= n) return expect === 'after' && closers.length === 0 ? undefined : fail('the text ends before the JSON value is complete');
    const c = text[i];
    switch (expect) {
      case 'value':
      case 'valueOrEnd': {
        if (c === ']' && expect === 'valueOrEnd') {
          closers.pop();
          i++;
          expect = 'after';
        } else if (c === '{' || c === '[') {
          closers.push(c === '{' ? '}' : ']');
          i++;
          expect = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
        } else if (c === '"') {
          const problem = readString();
          if (problem) return problem;
          expect = 'after';
        } else {
          JSON_NUMBER.lastIndex = i;
          const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
          if (literal) i += literal.length;
          else if (JSON_NUMBER.test(text)) i = JSON_NUMBER.lastIndex;
          else return fail('expected a value here (an object, an array, a string in double quotes, a number, true, false or null)');
          expect = 'after';
        }
        break;
      }
      case 'key':
      case 'keyOrEnd':
        if (c === '}' && expect === 'keyOrEnd') {
          closers.pop();
          i++;
          expect = 'after';
        } else if (c === '"') {
          const problem = readString();
          if (problem) return problem;
          expect = 'colon';
        } else {
          return fail('expected a property name in double quotes');
        }
        break;
      case 'colon':
        if (c !== ':') return fail("expected ':' after the property name");
        i++;
        expect = 'value';
        break;
      case 'after': {
        const closer = closers.at(-1);
        if (closer === undefined) return fail('unexpected text after the JSON value');
        if (c === ',') {
          i++;
          expect = closer === '}' ? 'key' : 'value';
        } else if (c === closer) {
          closers.pop();
          i++;
        } else {
          return fail(closer === '}' ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element");
        }
        break;
      }
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** JSON text as plain data; throws ConfigSyntaxError (no source text in it). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const found = findJsonSyntaxError(text);
    if (!found) throw new ConfigSyntaxError({ problem: 'not valid JSON' });
    throw new ConfigSyntaxError({ ...lineAndColumn(text, found.offset), problem: found.problem });
  }
}
