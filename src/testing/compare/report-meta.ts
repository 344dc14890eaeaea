// What makes a compare report worth archiving: when it ran, on which commit, over which fixtures
// or which live config, and with which Node and SDK versions (issue 12 item 4).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DataDesignerConfig } from '../../config/schemas.ts';
import { printableEndpoint } from '../../facade/endpoint-probe.ts';
import type { CompareMeta } from './compare-report.ts';

/** The packages whose versions decide what the engines send. */
export const REPORTED_PACKAGES = ['openai', '@anthropic-ai/sdk', '@aws-sdk/client-bedrock-runtime', 'undici'] as const;

const require = createRequire(import.meta.url);

/** The installed version of `name`, found from its entry point upwards; null when not installed. */
export function packageVersion(name: string): string | null {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return null;
  }
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version ?? null;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

export type MetaSource =
  | { mode: 'fixtures'; fixtures: string[] }
  | { mode: 'live'; config: string; workload: string; providers: DataDesignerConfig['providers'] };

export function collectMeta(source: MetaSource, options: { filter?: string; cwd?: string; now?: Date } = {}): CompareMeta {
  const cwd = options.cwd ?? process.cwd();
  const commit = git(['rev-parse', 'HEAD'], cwd);
  const status = commit === undefined ? undefined : git(['status', '--porcelain', '--untracked-files=no'], cwd);
  const meta: CompareMeta = {
    generatedAt: (options.now ?? new Date()).toISOString(),
    commit: commit ?? null,
    dirty: status === undefined ? null : status !== '',
    mode: source.mode,
    filter: options.filter ?? null,
    versions: {
      node: process.version,
      packages: Object.fromEntries(REPORTED_PACKAGES.map((name) => [name, packageVersion(name)])),
    },
  };
  if (source.mode === 'fixtures') meta.fixtures = source.fixtures;
  else {
    meta.live = {
      config: source.config,
      workload: source.workload,
      providers: source.providers.map((p) => ({ name: p.name, providerType: p.providerType, endpoint: printableEndpoint(p.endpoint) })),
    };
  }
  return meta;
}
