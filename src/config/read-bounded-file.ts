// Every file a CLI reads (a config, a workload, a run summary, a fixture, a JSON schema) is read
// through here: it must be a regular file no larger than a stated cap. A FIFO with no writer would
// block the read forever, a device (/dev/zero, /dev/urandom) never ends, a 50 MB "config" would be
// parsed for minutes; each is refused at once with one sentence naming what the path is and why.
//
// How it never blocks: the path is stat()ed first (stat never opens it, so a FIFO or a device is
// refused without being touched), then opened with O_NONBLOCK (opening a FIFO for reading would
// otherwise wait for a writer if the path was swapped after the stat) and checked again on the open
// handle, which is what is read. At most cap + 1 bytes are read, so a file that grows after the
// check is still refused by size. Symbolic links are followed: the target is what is judged.
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Caps per kind of file; each is far above any real file of that kind. */
export const FILE_LIMITS = {
  /**
   * A config is a few KB (a hundred models ≈ 30 KB). 256 KiB keeps the slowest YAML parse (one
   * mapping of ~20k keys) near a third of a second on a busy 2-core machine; 1 MiB took over one.
   */
  config: { what: 'config file', maxBytes: 256 * 1024 },
  /** A JSON schema given to `dd-models generate --schema`. */
  jsonSchema: { what: 'JSON schema file', maxBytes: 1024 * 1024 },
  /** A workload for `npm run record` / `staging-job`. */
  workload: { what: 'workload file', maxBytes: 16 * 1024 * 1024 },
  /** A run summary read by the gate (a few hundred bytes per alias). */
  summary: { what: 'run summary', maxBytes: 32 * 1024 * 1024 },
  /** A docs/contract.md "Fixtures" fixture; recorded success bodies are capped at 64 MiB (DEFAULT_MAX_RESPONSE_BYTES). */
  fixture: { what: 'fixture', maxBytes: 64 * 1024 * 1024 },
  /** The fake provider's `--script` and `--schedule` files. */
  fakeProviderInput: { what: 'fake provider script or schedule', maxBytes: 1024 * 1024 },
} as const satisfies Record<string, FileLimit>;

export interface FileLimit {
  /** How the file is named in the refusal: "config file", "run summary". */
  what: string;
  maxBytes: number;
}

/**
 * Why a file was not read. `code` is the system's errno code (ENOENT, EACCES, EISDIR…) or one of
 * ours: ENOTREG (a FIFO, a device, a socket) and EFBIG (over the cap). `problem` is one line that
 * does not name the path (callers put the path where their messages put it), e.g.
 * "is a FIFO (named pipe), not a regular file".
 */
export class FileReadError extends Error {
  readonly path: string;
  readonly code: string;
  readonly problem: string;
  constructor(path: string, code: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'FileReadError';
    this.path = path;
    this.code = code;
    this.problem = problem;
  }

  /** Refused by this reader (not a regular file, over the cap) rather than failed by the system. */
  get refused(): boolean {
    return this.code === 'ENOTREG' || this.code === 'EFBIG' || this.code === 'EISDIR';
  }
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function notRegular(path: string, info: Stats, limit: FileLimit): FileReadError {
  const code = info.isDirectory() ? 'EISDIR' : 'ENOTREG';
  return new FileReadError(path, code, `is ${kindOf(info)}, not a regular file; a ${limit.what} must be a regular file`);
}

function binarySize(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MiB'] : [bytes / 1024, 'KiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

function tooLarge(path: string, size: number, limit: FileLimit, atLeast = false): FileReadError {
  const shown = `${atLeast ? 'more than ' : ''}${size} bytes`;
  const cap = `${limit.maxBytes} bytes (${binarySize(limit.maxBytes)})`;
  return new FileReadError(path, 'EFBIG', `is ${shown}; a ${limit.what} may be at most ${cap}`);
}

const CHUNK_BYTES = 1024 * 1024;

function systemError(path: string, error: unknown): FileReadError {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  return new FileReadError(path, code, `cannot read it (${code})`);
}

/** The file's bytes, or a FileReadError; never blocks on a FIFO or reads a device. */
export async function readBoundedFile(path: string, limit: FileLimit): Promise<Buffer> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw systemError(path, error);
  }
  if (!info.isFile()) throw notRegular(path, info, limit);
  if (info.size > limit.maxBytes) throw tooLarge(path, info.size, limit);

  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw systemError(path, error);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw notRegular(path, opened, limit);
    if (opened.size > limit.maxBytes) throw tooLarge(path, opened.size, limit);
    // Read until the end or one byte past the cap, whatever the stat said: a file that grows
    // after the check is still bounded.
    const chunks: Buffer[] = [];
    const chunkBytes = Math.min(Math.max(opened.size + 1, 4096), CHUNK_BYTES);
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, limit.maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit.maxBytes) throw tooLarge(path, limit.maxBytes, limit, true);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    throw error instanceof FileReadError ? error : systemError(path, error);
  } finally {
    await handle.close();
  }
}

/** The file as UTF-8 text (invalid sequences become U+FFFD, as readFile does). */
export async function readBoundedTextFile(path: string, limit: FileLimit): Promise<string> {
  return (await readBoundedFile(path, limit)).toString('utf8');
}
