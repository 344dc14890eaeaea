// Shadow mode's settings (docs/shadow-mode.md): a registry option or environment variables named
// next to DATA_DESIGNER_ASYNC_ENGINE. Anything not understood is an error naming what to fix.
import { ConfigError } from '../core/errors.ts';
import type { EngineName } from '../core/model-client.ts';
import type { ClientFactory } from '../config/client-factory.ts';

export const SHADOW_SAMPLE_RATE_ENV = 'DATA_DESIGNER_SHADOW_SAMPLE_RATE';
export const SHADOW_DIR_ENV = 'DATA_DESIGNER_SHADOW_DIR';
export const SHADOW_QUEUE_SIZE_ENV = 'DATA_DESIGNER_SHADOW_QUEUE_SIZE';
export const SHADOW_MAX_CPU_ENV = 'DATA_DESIGNER_SHADOW_MAX_CPU';
export const SHADOW_THREAD_ENV = 'DATA_DESIGNER_SHADOW_THREAD';

export const DEFAULT_SHADOW_QUEUE_SIZE = 64;
export const DEFAULT_SHADOW_CONCURRENCY = 1;
export const MAX_SHADOW_CONCURRENCY = 2;
/** The share of the main thread's time shadow work may take (docs/shadow-mode.md, "Cost"). */
export const DEFAULT_SHADOW_MAX_CPU = 0.02;

export interface ShadowOptions {
  /** Fraction of calls shadowed, in [0, 1]; 0 turns shadow mode off. */
  sampleRate: number;
  /** Where each out-of-parity call is written as a docs/contract.md "Fixtures" fixture; unset: counted only. */
  fixturesDir?: string;
  /** Captured calls waiting for their shadow run; past this, new ones are dropped (and counted). */
  queueSize?: number;
  /** Shadow runs at once: 1 (default) or 2. */
  concurrency?: number;
  /**
   * The share of the main thread's time shadow work may take, (0–1] (default 0.02: 2 % of one
   * core). Past it, shadow runs wait and a full queue drops new samples. 1: never held back.
   */
  maxCpuShare?: number;
  /**
   * Where shadow runs execute: 'worker' (default) — a worker thread, so the other engine's call,
   * the replay and the comparison never hold the primary's event loop — or 'main', the registry's
   * own thread (no extra thread; every shadow run then delays the primary's responses a little).
   */
  thread?: ShadowThread;
  /**
   * TEST-ONLY seam (like compare's DD_COMPARE_TEST_HOOK): wraps the shadow engine's client
   * factory, so a test can plant a translation difference without editing engine source.
   * Never set it in production.
   */
  wrapShadowFactory?: (engine: EngineName, factory: ClientFactory) => ClientFactory;
}

export type ShadowThread = 'worker' | 'main';

export interface ResolvedShadowOptions {
  sampleRate: number;
  fixturesDir?: string;
  queueSize: number;
  concurrency: number;
  maxCpuShare: number;
  thread: ShadowThread;
  wrapShadowFactory?: ShadowOptions['wrapShadowFactory'];
}

function checkRate(value: number, where: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`${where} must be a number from 0 to 1, got ${JSON.stringify(value)}`, {
      solution: 'Use e.g. 0.1 to shadow one call in ten, 1 for every call, 0 (or unset) for none.',
    });
  }
  return value;
}

function checkShare(value: number, where: string): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new ConfigError(`${where} must be a number above 0 and at most 1, got ${JSON.stringify(value)}`, {
      solution: `Use e.g. ${DEFAULT_SHADOW_MAX_CPU} (the default: shadow work takes at most 2 % of the main thread), 0.2 to shadow more of a busy process, or 1 to never hold it back.`,
    });
  }
  return value;
}

function checkThread(value: unknown, where: string): ShadowThread {
  if (value !== 'worker' && value !== 'main') {
    throw new ConfigError(`${where} must be "worker" or "main", got ${JSON.stringify(value)}`, {
      solution: 'Use "worker" (the default: shadow runs on a thread of their own) or "main" (on the registry\'s thread, no extra thread).',
    });
  }
  return value;
}

function checkCount(value: number, where: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${where} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, {
      solution: `Set ${where} to a whole number from ${min} to ${max}.`,
    });
  }
  return value;
}

function numberFromEnv(raw: string, name: string): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isNaN(value)) {
    throw new ConfigError(`${name}="${raw}" is not a number`, { solution: `Set ${name} to a number, or unset it.` });
  }
  return value;
}

/** The test seam is a function: it can only run where it was made, on the registry's thread. */
function shadowThread(explicit: ShadowOptions): ShadowThread {
  if (explicit.thread === undefined) return explicit.wrapShadowFactory ? 'main' : 'worker';
  const thread = checkThread(explicit.thread, 'shadow.thread');
  if (thread === 'worker' && explicit.wrapShadowFactory) {
    throw new ConfigError('shadow.wrapShadowFactory cannot run on the shadow worker thread (a function does not cross threads)', {
      solution: "Leave shadow.thread unset (or 'main') when setting the test-only wrapShadowFactory.",
    });
  }
  return thread;
}

/**
 * The shadow settings in force: the explicit option wins over the environment; undefined when
 * shadow mode is off (no option, or a sample rate of 0).
 */
export function resolveShadowOptions(
  env: Record<string, string | undefined> = process.env,
  explicit?: ShadowOptions,
): ResolvedShadowOptions | undefined {
  if (explicit !== undefined) {
    if (typeof explicit !== 'object' || explicit === null) {
      throw new ConfigError(`shadow option ${JSON.stringify(explicit)} is not valid`, {
        solution: 'Pass { sampleRate, fixturesDir?, queueSize?, concurrency?, maxCpuShare?, thread? }, e.g. { sampleRate: 0.1 }.',
      });
    }
    const sampleRate = checkRate(explicit.sampleRate, 'shadow.sampleRate');
    if (sampleRate === 0) return undefined;
    if (explicit.fixturesDir !== undefined && (typeof explicit.fixturesDir !== 'string' || explicit.fixturesDir.trim() === '')) {
      throw new ConfigError('shadow.fixturesDir must be a non-empty path', { solution: 'Name a directory, or leave fixturesDir out.' });
    }
    return {
      sampleRate,
      fixturesDir: explicit.fixturesDir,
      queueSize: checkCount(explicit.queueSize ?? DEFAULT_SHADOW_QUEUE_SIZE, 'shadow.queueSize', 1, 100_000),
      concurrency: checkCount(explicit.concurrency ?? DEFAULT_SHADOW_CONCURRENCY, 'shadow.concurrency', 1, MAX_SHADOW_CONCURRENCY),
      maxCpuShare: checkShare(explicit.maxCpuShare ?? DEFAULT_SHADOW_MAX_CPU, 'shadow.maxCpuShare'),
      thread: shadowThread(explicit),
      wrapShadowFactory: explicit.wrapShadowFactory,
    };
  }
  const rawRate = env[SHADOW_SAMPLE_RATE_ENV];
  if (rawRate === undefined || rawRate.trim() === '') return undefined;
  const sampleRate = checkRate(numberFromEnv(rawRate, SHADOW_SAMPLE_RATE_ENV), SHADOW_SAMPLE_RATE_ENV);
  if (sampleRate === 0) return undefined;
  const rawQueue = env[SHADOW_QUEUE_SIZE_ENV];
  const queueSize =
    rawQueue === undefined || rawQueue.trim() === ''
      ? DEFAULT_SHADOW_QUEUE_SIZE
      : checkCount(numberFromEnv(rawQueue, SHADOW_QUEUE_SIZE_ENV), SHADOW_QUEUE_SIZE_ENV, 1, 100_000);
  const rawShare = env[SHADOW_MAX_CPU_ENV];
  const maxCpuShare =
    rawShare === undefined || rawShare.trim() === ''
      ? DEFAULT_SHADOW_MAX_CPU
      : checkShare(numberFromEnv(rawShare, SHADOW_MAX_CPU_ENV), SHADOW_MAX_CPU_ENV);
  const rawThread = env[SHADOW_THREAD_ENV]?.trim();
  const thread = rawThread === undefined || rawThread === '' ? 'worker' : checkThread(rawThread, SHADOW_THREAD_ENV);
  const dir = env[SHADOW_DIR_ENV]?.trim();
  return { sampleRate, fixturesDir: dir ? dir : undefined, queueSize, concurrency: DEFAULT_SHADOW_CONCURRENCY, maxCpuShare, thread };
}

/** The engine a shadow runs on: the other one. */
export function otherEngine(engine: EngineName): EngineName {
  return engine === 'legacy' ? 'v2' : 'legacy';
}
