// A minimal logger seam; the engine never writes to stdout (that belongs to the CLIs' reports).
import { ConfigError } from './errors.ts';
import { redactSecrets } from './secrets.ts';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, silent: 100 } as const;
type Level = keyof typeof LEVELS;

/**
 * The default logger's level from DD_LOG_LEVEL: unset or empty is `warn`; any case of a level
 * name is that level; anything else is a ConfigError naming the variable and the accepted values
 * (as DATA_DESIGNER_ASYNC_ENGINE is), never a silent fallback.
 */
export function logLevelFromEnv(env: Record<string, string | undefined> = process.env): Level {
  const value = env.DD_LOG_LEVEL;
  if (value === undefined || value.trim() === '') return 'warn';
  const level = value.trim().toLowerCase();
  if (Object.hasOwn(LEVELS, level)) return level as Level;
  throw new ConfigError(`DD_LOG_LEVEL="${value}" is not understood; accepted values: ${Object.keys(LEVELS).join(', ')} (unset: warn)`, {
    solution: 'Set DD_LOG_LEVEL to debug, info, warn or silent, or unset it.',
  });
}

export function createStderrLogger(level: Level = logLevelFromEnv()): Logger {
  const threshold = LEVELS[level];
  const write = (at: Level, message: string): void => {
    if (LEVELS[at] >= threshold) process.stderr.write(`[data-designer] ${at}: ${redactSecrets(message)}\n`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
  };
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {} };

/** Passes every message through `redactSecrets` first, so a caller's own logger gets clean text too. */
export function redactingLogger(inner: Logger): Logger {
  return {
    debug: (m) => inner.debug(redactSecrets(m)),
    info: (m) => inner.info(redactSecrets(m)),
    warn: (m) => inner.warn(redactSecrets(m)),
  };
}
