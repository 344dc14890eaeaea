// The registry's side of the shadow worker (shadow-worker.ts): starts the worker thread on the
// first shadow run, posts runs to it and settles each with the worker's answer. A worker that
// dies fails the runs it held (counted as failed shadow runs, never the caller's business) and
// is started afresh by the next run — up to MAX_WORKER_STARTS starts in a row without a verdict,
// after which every run fails at once with the reason. An idle worker never keeps the process alive; one holding runs does
// (each is bounded by the shadow run timeout), as does close() until the worker has closed.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ShadowJudgement } from './shadow-run.ts';
import type { FromShadowWorker, RunShadowMessage } from './shadow-worker-messages.ts';

export const MAX_WORKER_STARTS = 5;
/** How long close() waits for the worker to close its sessions before stopping it. */
const CLOSE_GRACE_MS = 5_000;

export interface WorkerRunResult {
  verdict: ShadowJudgement;
  /** CPU the worker thread spent on the run (µs). */
  cpuMicros: number;
}

/** A run the worker could not judge: shadow mode's own failure. */
export class ShadowWorkerError extends Error {
  override readonly name = 'ShadowWorkerError';
  readonly cpuMicros: number;
  constructor(message: string, cpuMicros = 0) {
    super(message);
    this.cpuMicros = cpuMicros;
  }
}

interface Pending {
  resolve: (result: WorkerRunResult) => void;
  reject: (error: ShadowWorkerError) => void;
}

/** The worker module beside this one, with this module's own extension (.ts from source, .js from dist). */
function workerUrl(): URL {
  return new URL(`./shadow-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
}

export class ShadowWorkerHost {
  readonly #pending = new Map<number, Pending>();
  /** Sessions the current worker has been described (their spec is sent once per worker). */
  readonly #described = new Set<string>();
  #worker?: Worker;
  #starts = 0;
  #lastFailure = '';
  #nextId = 0;
  #closed = false;
  readonly #url: URL;

  /** `url`: the worker module (tests may name another). */
  constructor(url: URL = workerUrl()) {
    this.#url = url;
  }

  run(message: Omit<RunShadowMessage, 'kind' | 'id'> & Required<Pick<RunShadowMessage, 'spec'>>): Promise<WorkerRunResult> {
    if (this.#closed) return Promise.reject(new ShadowWorkerError('shadow worker closed'));
    const worker = this.#ensureWorker();
    if (!worker)
      return Promise.reject(
        new ShadowWorkerError(`shadow worker not started again after ${MAX_WORKER_STARTS} starts (last: ${this.#lastFailure})`),
      );
    const id = ++this.#nextId;
    const { spec, admission, ...rest } = message;
    const described = this.#described.has(message.session);
    return new Promise<WorkerRunResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // While it holds runs the worker keeps the process alive (a caller may be awaiting them).
      if (this.#pending.size === 1) worker.ref();
      try {
        worker.postMessage({ kind: 'run', id, ...rest, ...(described ? {} : { spec, admission }) } satisfies RunShadowMessage);
        this.#described.add(message.session);
      } catch (error) {
        this.#settled(id);
        reject(new ShadowWorkerError(`shadow run could not be posted to the worker (${(error as Error).message})`));
      }
    });
  }

  #ensureWorker(): Worker | undefined {
    if (this.#worker) return this.#worker;
    if (this.#starts >= MAX_WORKER_STARTS) return undefined;
    this.#starts += 1;
    const worker = new Worker(this.#url);
    worker.unref();
    worker.on('message', (message: FromShadowWorker) => this.#answer(message));
    worker.on('error', (error) => this.#lost(worker, `${error.name}: ${error.message}`));
    worker.on('exit', (code) => this.#lost(worker, `exited with code ${code}`));
    this.#worker = worker;
    this.#described.clear();
    return worker;
  }

  #answer(message: FromShadowWorker): void {
    if (message.kind === 'closed') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#settled(message.id);
    if (message.kind === 'verdict') {
      // A worker that answers has started well: the restart limit counts failed starts in a row.
      this.#starts = 0;
      pending.resolve({ verdict: message.verdict, cpuMicros: message.cpuMicros });
    } else pending.reject(new ShadowWorkerError(message.error, message.cpuMicros));
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0 && !this.#closed) this.#worker?.unref();
  }

  #lost(worker: Worker, reason: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#lastFailure = reason;
    const error = new ShadowWorkerError(`shadow worker stopped: ${reason}`);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Lets the worker close its sessions (bounded), then stops it. Runs still held fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    // Held alive until closed: a caller awaiting close() must not see its process end first.
    worker.ref();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_GRACE_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ kind: 'close' });
    });
    await worker.terminate();
    this.#lost(worker, 'closed');
  }
}
