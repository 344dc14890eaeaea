// Shadow mode's settings (docs/shadow-mode.md): a registry option or environment variables named
// next to DATA_DESIGNER_ASYNC_ENGINE. Anything not understood is an error naming what to fix.
import { ConfigError } from '../core/errors.ts';
import type { ClientFactory, EngineName } from '../core/model-client.ts';

export const SHADOW_SAMPLE_RATE_ENV = 'DATA_DESIGNER_SHADOW_SAMPLE_RATE';
export const SHADOW_DIR_ENV = 'DATA_DESIGNER_SHADOW_DIR';
export const SHADOW_QUEUE_SIZE_ENV = 'DATA_DESIGNER_SHADOW_QUEUE_SIZE';
export const SHADOW_MAX_LOAD_ENV = 'DATA_DESIGNER_SHADOW_MAX_LOAD';

export const DEFAULT_SHADOW_QUEUE_SIZE = 64;
export const DEFAULT_SHADOW_CONCURRENCY = 1;
export const MAX_SHADOW_CONCURRENCY = 2;
/** Event-loop utilization past which shadow runs only trickle (docs/shadow-mode.md, "Cost"). */
export const DEFAULT_SHADOW_MAX_LOAD = 0.5;

export interface ShadowOptions {
  /** Fraction of calls shadowed, in [0, 1]; 0 turns shadow mode off. */
  sampleRate: number;
  /** Where each out-of-parity call is written as a SPEC §10 fixture; unset: counted only. */
  fixturesDir?: string;
  /** Captured calls waiting for their shadow run; past this, new ones are dropped (and counted). */
  queueSize?: number;
  /** Shadow runs at once: 1 (default) or 2. */
  concurrency?: number;
  /**
   * Event-loop utilization (0–1] below which shadow runs start freely (default 0.5); above it
   * they trickle (one per 250 ms) and the queue takes the rest. 1: never held back.
   */
  maxLoad?: number;
  /**
   * TEST-ONLY seam (like compare's DD_COMPARE_TEST_HOOK): wraps the shadow engine's client
   * factory, so a test can plant a translation difference without editing engine source.
   * Never set it in production.
   */
  wrapShadowFactory?: (engine: EngineName, factory: ClientFactory) => ClientFactory;
}

export interface ResolvedShadowOptions {
  sampleRate: number;
  fixturesDir?: string;
  queueSize: number;
  concurrency: number;
  maxLoad: number;
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

function checkLoad(value: number, where: string): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new ConfigError(`${where} must be a number above 0 and at most 1, got ${JSON.stringify(value)}`, {
      solution: `Use e.g. ${DEFAULT_SHADOW_MAX_LOAD} (the default: shadow runs take the event loop's time only while it is under half busy), or 1 to never hold them back.`,
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
        solution: 'Pass { sampleRate, fixturesDir?, queueSize?, concurrency?, maxLoad? }, e.g. { sampleRate: 0.1 }.',
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
      maxLoad: checkLoad(explicit.maxLoad ?? DEFAULT_SHADOW_MAX_LOAD, 'shadow.maxLoad'),
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
  const rawLoad = env[SHADOW_MAX_LOAD_ENV];
  const maxLoad =
    rawLoad === undefined || rawLoad.trim() === '' ? DEFAULT_SHADOW_MAX_LOAD : checkLoad(numberFromEnv(rawLoad, SHADOW_MAX_LOAD_ENV), SHADOW_MAX_LOAD_ENV);
  const dir = env[SHADOW_DIR_ENV]?.trim();
  return { sampleRate, fixturesDir: dir ? dir : undefined, queueSize, concurrency: DEFAULT_SHADOW_CONCURRENCY, maxLoad };
}

/** The engine a shadow runs on: the other one. */
export function otherEngine(engine: EngineName): EngineName {
  return engine === 'legacy' ? 'v2' : 'legacy';
}
