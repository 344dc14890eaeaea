// A clone without ../shared runs every other suite and says which were not run; CI (which always
// has ../shared) requires them (issue 12, item 11).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { planSharedSuites, REPO_ROOT, SHARED_BACKED_SUITES } from './shared-reference.ts';

const run = promisify(execFile);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(REPO_ROOT, path)] : [];
  });
}

describe('suites backed by ../shared', () => {
  it('are listed by their real paths', () => {
    const all = testFiles(join(REPO_ROOT, 'test'));
    expect(SHARED_BACKED_SUITES.filter((suite) => !all.includes(suite))).toEqual([]);
  });

  it('run when ../shared is there', () => {
    expect(planSharedSuites(true, true)).toEqual({ exclude: [] });
    expect(planSharedSuites(true, false)).toEqual({ exclude: [] });
  });

  it('are left out without ../shared, each named as NOT RUN', () => {
    const plan = planSharedSuites(false, false);
    expect(plan.exclude).toEqual([...SHARED_BACKED_SUITES]);
    expect(plan.notice).toMatch(/^NOT RUN: \d+ corpus- and spec-backed suites, because .*shared is missing/);
    for (const suite of SHARED_BACKED_SUITES) expect(plan.notice).toContain(suite);
  });

  it('are required where DD_REQUIRE_SHARED=1 (CI): a missing ../shared is an error', () => {
    expect(() => planSharedSuites(false, true)).toThrow(/shared \(wire-corpus, api-specs\) is missing, and DD_REQUIRE_SHARED=1 requires/);
  });

  it('.ci/run requires them and installs nothing from inside a test', () => {
    const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/export DD_REQUIRE_SHARED=1/);
    expect(ci).toMatch(/command -v chromium/);
  });

  it('every suite reads the corpus from the repo root, never from a machine path', async () => {
    // The folder this clone sits in, as an absolute path: a quoted string starting with it is a machine path.
    const machinePath = `['"]${dirname(REPO_ROOT)}/`;
    const { stdout } = await run('grep', ['-rlE', machinePath, 'test', 'src', 'scripts'], { cwd: REPO_ROOT }).catch(() => ({ stdout: '' }));
    expect(stdout.trim().split('\n').filter(Boolean)).toEqual([]);
  });
});
