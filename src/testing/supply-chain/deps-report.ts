// What the package ships and pulls in: the production closure from package-lock.json (count,
// install scripts, licences, the strictest `engines.node`), who imports each declared dependency,
// and what deleting src/models-legacy/ would remove from the closure.
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { importedPackages } from './import-specifiers.ts';
import { closureOf, parseLockfile, type ClosurePackage } from './lockfile-closure.ts';
import { compareVersions, engineFloor, formatVersion, type Version } from './node-engine-floor.ts';
import { listSourceFiles } from './source-files.ts';

/** Where an import lives: the published library, the harness (src/testing), or the CLIs. */
export type ImportArea = 'library' | 'legacy' | 'harness' | 'scripts';

export const LEGACY_DIR = 'src/models-legacy';
const HARNESS_DIR = 'src/testing';

export interface DeclaredDependency {
  name: string;
  kind: 'production' | 'dev';
  /** Areas whose code imports it at run time. */
  importedBy: ImportArea[];
}

export interface DepsReport {
  packageName: string;
  declared: DeclaredDependency[];
  /** Production dependencies no file in src/ or scripts/ imports. */
  unusedProduction: string[];
  /** devDependencies the published library (src/ outside src/testing) imports at run time. */
  devImportedByLibrary: string[];
  closure: {
    count: number;
    installScripts: string[];
    licences: { licence: string; count: number }[];
    /** The highest `engines.node` floor in the closure, and who sets it. */
    strictestNode?: { floor: string; packages: string[] };
  };
  /** package.json `engines.node`, and whether its floor is at least the closure's strictest. */
  enginesNode: { declared?: string; consistent: boolean };
  legacyRemoval: {
    /** Production dependencies that, in the published code, only src/models-legacy/ imports. */
    dependencies: string[];
    /** Of those, the ones the harness or scripts still import (they would become devDependencies). */
    stillUsedByHarness: string[];
    /** Closure packages that would leave with them (nothing else needs them). */
    removedPackages: string[];
    closureAfter: number;
  };
}

interface PackageJson {
  name?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function areaOf(root: string, file: string): ImportArea {
  const rel = relative(root, file).split(sep).join('/');
  if (rel.startsWith('scripts/')) return 'scripts';
  if (rel.startsWith(`${LEGACY_DIR}/`)) return 'legacy';
  if (rel.startsWith(`${HARNESS_DIR}/`)) return 'harness';
  return 'library';
}

async function importsByArea(root: string): Promise<Map<string, Set<ImportArea>>> {
  const files = [...(await listSourceFiles(join(root, 'src'))), ...(await listSourceFiles(join(root, 'scripts')))];
  const byPackage = new Map<string, Set<ImportArea>>();
  for (const file of files) {
    const area = areaOf(root, file);
    for (const name of importedPackages(await readFile(file, 'utf8')).runtime) {
      if (!byPackage.has(name)) byPackage.set(name, new Set());
      byPackage.get(name)!.add(area);
    }
  }
  return byPackage;
}

function licences(packages: Iterable<ClosurePackage>): { licence: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of packages) counts.set(p.license, (counts.get(p.license) ?? 0) + 1);
  return [...counts]
    .map(([licence, count]) => ({ licence, count }))
    .sort((a, b) => b.count - a.count || a.licence.localeCompare(b.licence));
}

function strictestNode(packages: Iterable<ClosurePackage>): { floor: Version; packages: string[] } | undefined {
  let best: { floor: Version; packages: string[] } | undefined;
  for (const p of packages) {
    const floor = p.engineNode ? engineFloor(p.engineNode) : undefined;
    if (!floor) continue;
    const order = best ? compareVersions(floor, best.floor) : 1;
    if (order > 0) best = { floor, packages: [p.name] };
    else if (order === 0) best!.packages.push(p.name);
  }
  return best;
}

export async function buildDepsReport(root: string): Promise<DepsReport> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson;
  const lockPath = join(root, 'package-lock.json');
  const lock = parseLockfile(await readFile(lockPath, 'utf8'), lockPath);
  const production = Object.keys(pkg.dependencies ?? {}).sort();
  const dev = Object.keys(pkg.devDependencies ?? {}).sort();
  const imports = await importsByArea(root);
  const areas = (name: string) => [...(imports.get(name) ?? [])].sort();

  const declared: DeclaredDependency[] = [
    ...production.map((name) => ({ name, kind: 'production' as const, importedBy: areas(name) })),
    ...dev.map((name) => ({ name, kind: 'dev' as const, importedBy: areas(name) })),
  ];
  const unusedProduction = declared.filter((d) => d.kind === 'production' && d.importedBy.length === 0).map((d) => d.name);
  const devImportedByLibrary = declared
    .filter((d) => d.kind === 'dev' && d.importedBy.some((a) => a === 'library' || a === 'legacy'))
    .map((d) => d.name);

  const closure = closureOf(lock, production);
  const strictest = strictestNode(closure.values());
  const declaredFloor = pkg.engines?.node ? engineFloor(pkg.engines.node) : undefined;
  const consistent = !strictest || (declaredFloor !== undefined && compareVersions(declaredFloor, strictest.floor) >= 0);

  // What users install is decided by the published code (library + legacy); a package the
  // harness also uses would stay in the repo, but as a devDependency.
  const legacyOnly = production.filter((name) => {
    const shipped = areas(name).filter((a) => a === 'library' || a === 'legacy');
    return shipped.length > 0 && shipped.every((a) => a === 'legacy');
  });
  const stillUsedByHarness = legacyOnly.filter((name) => areas(name).some((a) => a === 'harness' || a === 'scripts'));
  const remaining = closureOf(
    lock,
    production.filter((name) => !legacyOnly.includes(name)),
  );
  const removedPackages = [...closure.values()]
    .filter((p) => !remaining.has(p.path))
    .map((p) => `${p.name}@${p.version}`)
    .sort();

  return {
    packageName: pkg.name ?? '(unnamed)',
    declared,
    unusedProduction,
    devImportedByLibrary,
    closure: {
      count: closure.size,
      installScripts: [...closure.values()]
        .filter((p) => p.hasInstallScript)
        .map((p) => `${p.name}@${p.version}`)
        .sort(),
      licences: licences(closure.values()),
      strictestNode: strictest ? { floor: formatVersion(strictest.floor), packages: strictest.packages.sort() } : undefined,
    },
    enginesNode: { declared: pkg.engines?.node, consistent },
    legacyRemoval: { dependencies: legacyOnly, stillUsedByHarness, removedPackages, closureAfter: remaining.size },
  };
}

/** Problems that make the CLI exit 1. */
export function depsProblems(report: DepsReport): string[] {
  const problems: string[] = [];
  for (const name of report.unusedProduction)
    problems.push(`dependency ${name} is declared but nothing in src/ or scripts/ imports it: remove it from package.json`);
  for (const name of report.devImportedByLibrary)
    problems.push(`devDependency ${name} is imported by the published library: make it a dependency or keep it in src/testing`);
  if (!report.enginesNode.consistent) {
    const s = report.closure.strictestNode!;
    problems.push(
      `engines.node is "${report.enginesNode.declared ?? '(unset)'}" but ${s.packages.join(', ')} need(s) Node ≥ ${s.floor}: raise it to ">=${s.floor}"`,
    );
  }
  return problems;
}

export function renderDepsReport(report: DepsReport): string {
  const lines = [`${report.packageName}: production closure ${report.closure.count} packages (from package-lock.json)`, ''];
  lines.push('declared dependencies (imported by):');
  for (const d of report.declared)
    lines.push(`  ${d.kind === 'dev' ? 'dev ' : 'prod'}  ${d.name.padEnd(42)} ${d.importedBy.join(', ') || 'nothing'}`);
  lines.push(
    '',
    `install scripts in the closure: ${report.closure.installScripts.length ? report.closure.installScripts.join(', ') : 'none'}`,
  );
  lines.push('', 'licences:');
  for (const l of report.closure.licences) lines.push(`  ${String(l.count).padStart(4)}  ${l.licence}`);
  const s = report.closure.strictestNode;
  lines.push(
    '',
    `engines.node: declared "${report.enginesNode.declared ?? '(unset)'}"; strictest in the closure ${s ? `>=${s.floor} (${s.packages.join(', ')})` : 'none stated'}${report.enginesNode.consistent ? '' : ' — INCONSISTENT'}`,
  );
  const legacy = report.legacyRemoval;
  lines.push(
    '',
    `deleting ${LEGACY_DIR}/ would drop ${legacy.dependencies.length ? legacy.dependencies.join(', ') : 'no declared dependency'} and ${legacy.removedPackages.length} closure packages (${report.closure.count} → ${legacy.closureAfter}):`,
  );
  for (const p of legacy.removedPackages) lines.push(`  ${p}`);
  if (legacy.stillUsedByHarness.length)
    lines.push(`  (${legacy.stillUsedByHarness.join(', ')} still used by the harness: would move to devDependencies)`);
  const problems = depsProblems(report);
  lines.push('', problems.length ? `problems:\n${problems.map((p) => `  - ${p}`).join('\n')}` : 'no problems found');
  return lines.join('\n');
}
