// The import graph of the repository's TypeScript sources, read from the files themselves: every
// static import and re-export, every side-effect import and every `import('literal')`, with
// comments and string contents skipped so that an import written in a comment or a string is not
// one. Type-only imports are kept (and marked): a circle or an upward arrow made of types is still a
// dependency a reader has to hold in their head.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface ImportEdge {
  /** Repo-relative path of the importing file. */
  from: string;
  /** Repo-relative path for a relative specifier, otherwise the package specifier as written. */
  to: string;
  specifier: string;
  line: number;
  typeOnly: boolean;
  dynamic: boolean;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
}

/** Replaces comments with spaces (newlines kept, so line numbers hold); strings and code stay. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  let lastCode = '';
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      lastCode = c;
      continue;
    }
    // A regular expression literal: skip it whole, so the quotes and slashes inside are not read.
    if (c === '/' && (lastCode === '' || '(,=:[!&|?{};'.includes(lastCode))) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      lastCode = '/';
      continue;
    }
    out += c;
    if (!/\s/.test(c)) lastCode = c;
    i++;
  }
  return out;
}

const STATIC = /(^|[;}\n])[ \t]*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*(['"])([^'"\n]+)\5/g;
const SIDE_EFFECT = /(^|[;\n])[ \t]*import\s*(['"])([^'"\n]+)\2/g;
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** The imports of one file, given its repo-relative path and text. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const code = stripComments(text);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const edge = (specifier: string, index: number, typeOnly: boolean, dynamic: boolean): ImportEdge => ({
    from: file,
    to: specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), specifier)) : specifier,
    specifier,
    line: lineAt(index),
    typeOnly,
    dynamic,
  });
  const edges: ImportEdge[] = [];
  for (const m of code.matchAll(STATIC)) {
    // `import { type A, type B } from` loads nothing either.
    const names = m[4].trim();
    const allTypes = /^\{\s*(type\s+[\w$]+(\s+as\s+[\w$]+)?\s*,?\s*)+\}$/.test(names);
    edges.push(edge(m[6], m.index + m[1].length, m[3] !== undefined || allTypes, false));
  }
  for (const m of code.matchAll(SIDE_EFFECT)) edges.push(edge(m[3], m.index + m[1].length, false, false));
  for (const m of code.matchAll(DYNAMIC)) edges.push(edge(m[2], m.index, false, true));
  return edges.sort((a, b) => a.line - b.line);
}

/** The graph of in-memory sources (repo-relative path -> text); used by the tests of the rules. */
export function graphOfSources(sources: ReadonlyMap<string, string>): ImportGraph {
  const files = [...sources.keys()].sort();
  return { files, edges: files.flatMap((file) => importsOf(file, sources.get(file) ?? '')) };
}

function tsFiles(root: string, dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : tsFiles(root, path);
    return /\.(ts|mts)$/.test(entry.name) ? [path] : [];
  });
}

/** The graph of the repository at `root`: src/, scripts/ and test/ (test fixtures left out). */
export function readImportGraph(root: string, dirs: readonly string[] = ['src', 'scripts', 'test']): ImportGraph {
  const sources = new Map<string, string>();
  for (const dir of dirs) for (const file of tsFiles(root, dir)) sources.set(file, readFileSync(join(root, file), 'utf8'));
  return graphOfSources(sources);
}
