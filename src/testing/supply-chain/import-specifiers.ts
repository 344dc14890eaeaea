// The packages a source file imports: bare specifiers of static imports, re-exports, side-effect
// imports and dynamic `import('…')` with a literal argument. `node:` built-ins and relative paths
// are not packages. Type-only imports are kept apart: they vanish from the emitted JavaScript.
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);

// `import x from 'p'`, `import { a } from 'p'`, `export * from 'p'`, `import 'p'`, `import('p')`.
const STATIC_FROM = /(?:^|[\s;])(import|export)\s+(type\s+)?[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; undefined for relative or built-in. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? undefined : name;
}

export interface ImportedPackages {
  /** Needed at run time. */
  runtime: Set<string>;
  /** Only in `import type` / `export type` (erased on emit). */
  typeOnly: Set<string>;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

export function importedPackages(source: string): ImportedPackages {
  const text = stripComments(source);
  const runtime = new Set<string>();
  const typeOnly = new Set<string>();
  for (const match of text.matchAll(STATIC_FROM)) {
    const name = packageOf(match[3]);
    if (!name) continue;
    if (match[2]) typeOnly.add(name);
    else runtime.add(name);
  }
  for (const match of text.matchAll(SIDE_EFFECT)) {
    const name = packageOf(match[1]);
    if (name) runtime.add(name);
  }
  for (const match of text.matchAll(DYNAMIC)) {
    const name = packageOf(match[1]);
    if (name) runtime.add(name);
  }
  for (const name of runtime) typeOnly.delete(name);
  return { runtime, typeOnly };
}
