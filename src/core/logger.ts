// A minimal logger seam; the engine never writes to stdout (that belongs to the CLIs' reports).
import { redactSecrets } from './secrets.ts';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, silent: 100 } as const;
type Level = keyof typeof LEVELS;

export function createStderrLogger(level: Level = (process.env.DD_LOG_LEVEL as Level) ?? 'warn'): Logger {
  const threshold = LEVELS[level] ?? LEVELS.warn;
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
