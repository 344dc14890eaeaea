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
