// The bench CLI's input errors: reported before any measuring starts, as one line, exit 2.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-bench-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run bench input errors', () => {
  it('a --json path it cannot write stops the run before it measures anything', async () => {
    const result = await runScript('bench', ['--mode', 'compare', '--time-ms', '100', '--json', dir], { timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`bench: --json ${dir}: cannot write the report there (EISDIR)\n`);
    expect(result.stdout).toBe('');
  });

  it('a missing --mode is one line', async () => {
    const result = await runScript('bench', []);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('bench: --mode must be "compare" (got nothing)\n');
  });
});
