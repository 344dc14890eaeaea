import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The consolidation plan (delete one folder) only works while these rules hold, so every test
// run re-checks them on the real tree.
describe('architecture rules (npm run consolidation-check)', () => {
  it('passes on this repository', async () => {
    const { stdout } = await run(process.execPath, ['scripts/consolidation-check.ts'], { cwd: process.cwd() });
    expect(stdout).not.toContain('FAIL');
    expect(stdout).toMatch(/consolidation-check: (\d+)\/\1 checks pass/);
  });
});

describe('consolidation-check command line (issue 12, item 9)', () => {
  it('refuses an unknown flag or argument with exit 2 and one line, and runs no check', async () => {
    for (const args of [['--strict'], ['extra']]) {
      const result = await run(process.execPath, ['scripts/consolidation-check.ts', ...args], { cwd: process.cwd() }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^consolidation-check: .* \(see --help\)\n$/);
      expect(result.stdout).toBe('');
    }
  });

  it('--help prints usage and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['scripts/consolidation-check.ts', '--help'], { cwd: process.cwd() });
    expect(stdout).toMatch(/^Usage: npm run consolidation-check/);
  });
});
