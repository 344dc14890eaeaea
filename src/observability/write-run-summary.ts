// `--summary-json F`: the run summary written as pretty JSON (directories created as needed).
// node:fs/promises (and the streams it pulls in) loads when a summary is written, not with the
// package (issue 27, cold start).
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { RunSummary } from './run-summary.ts';

export async function writeRunSummary(path: string, summary: RunSummary): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * Fails now, naming the path, when the summary could not be written there later: its directory
 * is created and the file opened for appending (created empty if absent, never truncated).
 */
export async function checkSummaryPath(path: string): Promise<void> {
  const { mkdir, open } = await import('node:fs/promises');
  try {
    await mkdir(dirname(path), { recursive: true });
    await (await open(path, 'a')).close();
  } catch (error) {
    throw new ConfigError(
      `--summary-json ${path} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        solution: 'Pass a file path in a writable directory.',
      },
    );
  }
}
