// Can the CLIs write where they were told to? Answered before any request or any work (issue 12,
// item 6) by really trying: missing folders are created one level at a time (a recursive mkdir
// loops forever under /proc), a probe file is created and everything the probe made is removed.
// Returns why not, in a few words, or undefined when the path is writable.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const reason = code(error);
    if (reason === 'ENOENT' || reason === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The nearest existing ancestor of `dir` (or `dir` itself) and the folders missing below it, outermost first. */
async function nearestExisting(dir: string): Promise<{ existing: string; info: Stats; missing: string[] }> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const info = await statOrUndefined(current);
    if (info) return { existing: current, info, missing };
    const parent = dirname(current);
    if (parent === current) throw Object.assign(new Error(`${current} does not exist`), { code: 'ENOENT' });
    missing.unshift(current);
    current = parent;
  }
}

/** Creates `dir`'s missing folders one by one; returns the ones it made (for cleanup) or throws the problem. */
async function makeFolders(dir: string, made: string[]): Promise<void> {
  const { existing, info, missing } = await nearestExisting(dir);
  if (!info.isDirectory()) throw new Error(`${existing} is not a directory`);
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      throw new Error(`cannot create ${folder}: ${code(error)}`);
    }
    made.push(folder);
  }
}

async function cleanUp(made: string[], probe?: string): Promise<void> {
  if (probe) await unlink(probe).catch(() => undefined);
  for (const folder of [...made].reverse()) await rmdir(folder).catch(() => undefined);
}

async function probeFile(file: string, existed: boolean): Promise<void> {
  try {
    // 'a' never truncates an existing file; 'wx' creates a new one and fails if it appeared meanwhile.
    const handle = await open(file, existed ? 'a' : 'wx');
    await handle.close();
  } catch (error) {
    throw new Error(`cannot write ${file}: ${code(error)}`);
  }
}

function problemOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a file cannot be written at `path` (its folders may be missing), or undefined. */
export async function fileOutputProblem(path: string): Promise<string | undefined> {
  const file = resolve(path);
  const made: string[] = [];
  let created: string | undefined;
  try {
    const info = await statOrUndefined(file);
    if (info?.isDirectory()) return `${file} is a directory`;
    await makeFolders(dirname(file), made);
    await probeFile(file, info !== undefined);
    if (!info) created = file;
    return undefined;
  } catch (error) {
    return problemOf(error);
  } finally {
    await cleanUp(made, created);
  }
}

/** Why files cannot be written inside the folder `path` (it may be missing), or undefined. */
export async function folderOutputProblem(path: string): Promise<string | undefined> {
  const dir = resolve(path);
  const made: string[] = [];
  const probe = join(dir, `.dd-write-probe-${randomBytes(6).toString('hex')}`);
  let created: string | undefined;
  try {
    const info = await statOrUndefined(dir);
    if (info && !info.isDirectory()) return `${dir} is not a directory`;
    if (!info) await makeFolders(dir, made);
    await probeFile(probe, false);
    created = probe;
    return undefined;
  } catch (error) {
    return problemOf(error);
  } finally {
    await cleanUp(made, created);
  }
}
