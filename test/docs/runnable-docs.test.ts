// issue 29 item 5: the docs' commands are tested. Every block marked runnable in README.md,
// MIGRATION.md and docs/*.md (test/docs/support/runnable-blocks.ts; README "Runnable blocks") is
// run as written, in order, in a scratch copy of the repository (never the repository itself),
// with the fake provider started as the doc says and the doc's ports swapped for free ones. Each
// block's exit code and the output the doc promises are checked, and afterwards `git status` in
// the copy shows nothing but the files the doc told the reader to write: every output went under
// the git-ignored reports/ folder (issue 29 item 6).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/support/free-port.ts';
import { REPO_ROOT } from '../harness/support/run-script.ts';
import { type RunnableBlock, runnableBlocks } from './support/runnable-blocks.ts';

const DOCS = [
  'README.md',
  'MIGRATION.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** What the documented commands need from the repository; node_modules is linked, not copied. */
const COPIED = ['package.json', '.gitignore', 'src', 'scripts', 'test/fixtures', 'test/harness/workloads'];
const SHARED = join(REPO_ROOT, '..', 'shared');
const BLOCK_TIMEOUT_MS = 150_000;

const byDoc = new Map(DOCS.map((doc) => [doc, runnableBlocks(readFileSync(join(REPO_ROOT, doc), 'utf8'), doc)]));
const scratches: string[] = [];
afterAll(async () => {
  for (const dir of scratches) await rm(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string, options: { detached?: boolean } = {}): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'TEST') delete env[key];
  return spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached });
}

function finish(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A scratch copy: the files the commands need, node_modules linked, ../shared beside it, one git commit. */
async function scratchCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dd-docs-'));
  scratches.push(root);
  const repo = join(root, 'repo');
  for (const path of COPIED) await cp(join(REPO_ROOT, path), join(repo, path), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'));
  if (existsSync(SHARED)) await symlink(SHARED, join(root, 'shared'));
  const git = await finish(
    run('sh', ['-c', 'git init -q && git add -A && git -c user.name=docs -c user.email=docs@test commit -qm scratch'], repo),
    60_000,
  );
  expect(git.code, git.output).toBe(0);
  return repo;
}

/** The doc's loopback ports (after `127.0.0.1:` or `--port`), each swapped for a free one in every block. */
async function withFreePorts(blocks: RunnableBlock[]): Promise<RunnableBlock[]> {
  const ports = new Set(blocks.flatMap((b) => [...b.text.matchAll(/(?:127\.0\.0\.1:|--port )(\d{2,5})\b/g)].map((m) => m[1])));
  let swapped = blocks;
  for (const port of ports) {
    const free = String(await freePort());
    swapped = swapped.map((b) => ({ ...b, text: b.text.replace(new RegExp(`\\b${port}\\b`, 'g'), free) }));
  }
  return swapped;
}

/** Starts a background block and waits for the fake provider's first line (its URL). */
async function startBackground(block: RunnableBlock, repo: string): Promise<ChildProcess> {
  const child = run('bash', ['-c', block.text], repo, { detached: true });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${where(block)}: not listening after 60 s:\n${output}`)), 60_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/^http:\/\/127\.0\.0\.1:\d+$/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.on('exit', (code) => reject(new Error(`${where(block)}: exited (${code}) before listening:\n${output}`)));
  });
  return child;
}

const where = (block: RunnableBlock) => `${block.doc}:${block.line}`;

describe('the docs have runnable blocks where a new user starts', () => {
  it.each([
    ['README.md', 5],
    ['MIGRATION.md', 4],
    ['docs/staging-rehearsal.md', 9],
  ] as const)('%s has at least %i', (doc, count) => {
    expect(byDoc.get(doc)?.length).toBeGreaterThanOrEqual(count);
  });
});

describe.concurrent.each(DOCS.filter((doc) => (byDoc.get(doc)?.length ?? 0) > 0))('%s: runnable blocks', (doc) => {
  it('every block runs as written: exit codes, promised output, outputs only under reports/', async () => {
    const repo = await scratchCopy();
    const blocks = await withFreePorts(byDoc.get(doc) ?? []);
    const background: ChildProcess[] = [];
    const written: string[] = [];
    try {
      for (const block of blocks) {
        if (block.file) {
          await mkdir(dirname(join(repo, block.file)), { recursive: true });
          await writeFile(join(repo, block.file), `${block.text}\n`);
          written.push(block.file);
        } else if (block.text.includes('../shared') && !existsSync(SHARED)) {
          // Without ../shared the corpus is not there to replay (README "Quick start").
        } else if (block.background) {
          background.push(await startBackground(block, repo));
        } else {
          const { code, output } = await finish(run('bash', ['-e', '-o', 'pipefail', '-c', block.text], repo), BLOCK_TIMEOUT_MS);
          const shown = `${where(block)}\n${block.text}\n--- output ---\n${output.slice(-4000)}`;
          expect(code, shown).toBe(block.exit);
          for (const promised of block.expect) expect(output, shown).toContain(promised);
        }
      }
    } finally {
      for (const child of background) if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await Promise.all(background.map((child) => (child.exitCode === null ? finish(child, 10_000) : undefined)));
    }
    const status = await finish(run('git', ['status', '--porcelain', '--untracked-files=all'], repo), 30_000);
    const changed = status.output
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3))
      .filter((path) => !written.includes(path));
    expect(changed, 'files the doc did not ask the reader to write (outputs belong under reports/)').toEqual([]);
  }, 400_000);
});
