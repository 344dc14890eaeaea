// `--summary-json F`: the run summary written as pretty JSON (directories created as needed).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunSummary } from './run-summary.ts';

export async function writeRunSummary(path: string, summary: RunSummary): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
}
