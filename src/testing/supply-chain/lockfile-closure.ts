// The installed closure of a set of packages, read from package-lock.json (lockfileVersion 2/3
// `packages` map) with Node's resolution: a dependency of `node_modules/a` is looked up in
// `node_modules/a/node_modules/…`, then each enclosing `node_modules`, then the root.
export interface LockEntry {
  version?: string;
  license?: string;
  hasInstallScript?: boolean;
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
}

export interface Lockfile {
  lockfileVersion?: number;
  packages: Record<string, LockEntry>;
}

export interface ClosurePackage {
  /** The lock key, e.g. `node_modules/a/node_modules/b`. */
  path: string;
  name: string;
  version: string;
  license: string;
  hasInstallScript: boolean;
  engineNode?: string;
}

export function parseLockfile(text: string, origin: string): Lockfile {
  const parsed = JSON.parse(text) as Partial<Lockfile>;
  if (!parsed || typeof parsed !== 'object' || typeof parsed.packages !== 'object' || parsed.packages === null || !parsed.packages['']) {
    throw new Error(
      `${origin}: not a package-lock.json with a "packages" map (lockfileVersion 2 or 3 is needed; run npm install with npm ≥ 7)`,
    );
  }
  return parsed as Lockfile;
}

function nameOf(path: string): string {
  const index = path.lastIndexOf('node_modules/');
  return path.slice(index + 'node_modules/'.length);
}

function resolveFrom(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (base === '') return undefined;
    const index = base.lastIndexOf('/node_modules/');
    base = index < 0 ? '' : base.slice(0, index);
  }
}

/** Every package the named root dependencies pull in (themselves included), by lock path. */
export function closureOf(lock: Lockfile, roots: Iterable<string>): Map<string, ClosurePackage> {
  const found = new Map<string, ClosurePackage>();
  const queue: string[] = [];
  for (const root of roots) {
    const key = resolveFrom(lock, '', root);
    if (key) queue.push(key);
  }
  while (queue.length) {
    const key = queue.pop()!;
    if (found.has(key)) continue;
    const entry = lock.packages[key];
    const engines = entry.engines;
    found.set(key, {
      path: key,
      name: nameOf(key),
      version: entry.version ?? '?',
      license: entry.license ?? 'UNKNOWN',
      hasInstallScript: entry.hasInstallScript === true,
      engineNode: engines && !Array.isArray(engines) ? engines.node : undefined,
    });
    // Peers are installed by npm ≥ 7 too; an optional peer that is absent resolves to nothing.
    const wanted = { ...entry.peerDependencies, ...entry.optionalDependencies, ...entry.dependencies };
    for (const dependency of Object.keys(wanted)) {
      const resolved = resolveFrom(lock, key, dependency);
      if (resolved) queue.push(resolved);
    }
  }
  return found;
}
