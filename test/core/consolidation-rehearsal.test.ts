// @retire-with-legacy: the rehearsal of deleting legacy has nothing to rehearse once legacy is gone;
// phase 4 deletes this suite with legacy, and the rehearsal deletes it in its copy.
// `npm run consolidation-check -- --rehearse` (issue 13, the phase-4 rehearsal): the text edits it
// makes in its copy, checked against the real files, and the whole command run on one narrowed
// test file (the full suite in a copy takes minutes; docs/rollout-gates.md).
import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  dropRegistration,
  ENGINES_FILE,
  hardCodedEngineLists,
  LEGACY_REGISTRATION,
  LOADER_FILE,
  marksRetirement,
  narrowEngines,
  RehearsalEditError,
  RETIRE_MARKER,
} from '../../src/testing/consolidation/rehearsal-plan.ts';
import {
  FILE_LEVEL_FAILURE,
  splitAllIn,
  splitNoneIn,
  testFailures,
  typecheckFailures,
} from '../../src/testing/consolidation/test-failures.ts';

const run = promisify(execFile);
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('the rehearsal edits, on the real files', () => {
  it('narrows the one engine list to v2 by rewriting one line', async () => {
    const text = await readFile(ENGINES_FILE, 'utf8');
    expect(text).toContain("export const ENGINES: readonly EngineName[] = ['legacy', 'v2'];");
    const narrowed = narrowEngines(text);
    expect(narrowed).toContain("export const ENGINES: readonly EngineName[] = ['v2'];");
    expect(narrowed).not.toContain("'legacy'");
    expect(narrowed.split('\n').length).toBe(text.split('\n').length);
  });

  it('drops the legacy registration from the engine switch through its import: no reference to legacy is left', async () => {
    const text = await readFile(LOADER_FILE, 'utf8');
    expect(text).toContain("import { legacyEngine } from './engines/legacy.ts';");
    const edited = dropRegistration(text);
    expect(edited).not.toMatch(/legacyEngine|'\.\/engines\/legacy\.ts'|models-legacy/);
    expect(edited).toContain('const REGISTERED: readonly EngineRegistration[] = [v2Engine];');
    expect(edited.split('\n').length).toBe(text.split('\n').length - 1);
    // Whatever the order of the list, and with the import renamed.
    const reordered = "import { legacyEngine as old } from './engines/legacy.ts';\nconst REGISTERED: readonly X[] = [v2Engine, old];\n";
    expect(dropRegistration(reordered)).toBe('const REGISTERED: readonly X[] = [v2Engine];\n');
    expect(await readFile(LEGACY_REGISTRATION, 'utf8')).toContain("import('../models-legacy/index.ts')");
  });

  it('stops with a clear error when a file no longer looks as the rehearsal expects', () => {
    expect(() => narrowEngines("export const ENGINES = ['legacy', 'v2'] as const;")).toThrow(RehearsalEditError);
    expect(() => narrowEngines('')).toThrow(/src\/testing\/engines\.ts: no line matching/);
    expect(() => dropRegistration('export {}')).toThrow(/src\/engine\.ts: no import of src\/engines\/legacy\.ts/);
    expect(() => dropRegistration("import { legacyEngine } from './engines/legacy.ts';\nconst REGISTERED = [];\n")).toThrow(
      /legacyEngine \(from src\/engines\/legacy\.ts\) is not in the REGISTERED list/,
    );
  });

  it('finds hard-coded engine lists by line, in either order and quote style, and the retire marker', () => {
    const text = [
      "const a = ['legacy', 'v2'] as const;",
      'const b = ENGINES;',
      'const c = ["v2","legacy"];',
      "describe.each(['legacy'])",
      "const pair = ['legacy', 'v2']; // @both-engines",
    ].join('\n');
    expect(hardCodedEngineLists(text)).toEqual([1, 3]);
    expect(marksRetirement(`// ${RETIRE_MARKER}: compares the engines`)).toBe(true);
    expect(marksRetirement('// compares the engines')).toBe(false);
  });

  it('reads broken files out of tsc output and the vitest JSON report', () => {
    expect(
      typecheckFailures("test/x.test.ts(3,7): error TS2307: Cannot find module '../../src/models-legacy/index.ts'.\nFound 1 error."),
    ).toEqual([{ file: 'test/x.test.ts', problems: ["line 3: TS2307 Cannot find module '../../src/models-legacy/index.ts'."] }]);
    const report = JSON.stringify({
      testResults: [
        { name: '/tmp/r/repo/test/a.test.ts', status: 'passed', assertionResults: [{ fullName: 'ok', status: 'passed' }] },
        {
          name: '/tmp/r/repo/test/b.test.ts',
          status: 'failed',
          assertionResults: [
            { fullName: 'b legacy works', status: 'failed', failureMessages: ['ConfigError: The legacy engine has been removed\n  at x'] },
          ],
        },
        {
          name: '/tmp/r/repo/test/c.test.ts',
          status: 'failed',
          message: 'Failed to load url ../src/models-legacy/x.ts',
          assertionResults: [],
        },
      ],
    });
    expect(testFailures(report, '/tmp/r/repo')).toEqual([
      { file: 'test/b.test.ts', problems: ['b legacy works: ConfigError: The legacy engine has been removed'], tests: ['b legacy works'] },
      { file: 'test/c.test.ts', problems: ['Failed to load url ../src/models-legacy/x.ts'], tests: [FILE_LEVEL_FAILURE] },
    ]);
  });
});

describe('the rehearsal judges re-runs per test, not per file', () => {
  const broken = [
    { file: 'test/mixed.test.ts', problems: [], tests: ['legacy case (already failing)', 'v2 case (broken by the removal)'] },
    { file: 'test/old.test.ts', problems: [], tests: ['already failing'] },
    { file: 'test/load.test.ts', problems: [], tests: ['timed out under load'] },
    { file: 'test/gone.test.ts', problems: [], tests: [FILE_LEVEL_FAILURE] },
  ];
  const onOriginal = new Map([
    ['test/mixed.test.ts', new Set(['legacy case (already failing)'])],
    ['test/old.test.ts', new Set(['already failing'])],
  ]);

  it('already failing only when every failed test also fails on the original tree: a file with one old and one new failure stays broken', () => {
    const [already, still] = splitAllIn(broken, onOriginal);
    expect(already.map((b) => b.file)).toEqual(['test/old.test.ts']);
    expect(still.map((b) => b.file)).toEqual(['test/mixed.test.ts', 'test/load.test.ts', 'test/gone.test.ts']);
  });

  it('flaky only when none of the failed tests fails again: a file whose test fails again is not flaky', () => {
    const again = new Map([
      ['test/mixed.test.ts', new Set(['v2 case (broken by the removal)'])],
      ['test/gone.test.ts', new Set([FILE_LEVEL_FAILURE])],
    ]);
    const [flaky, still] = splitNoneIn(broken, again);
    expect(flaky.map((b) => b.file)).toEqual(['test/old.test.ts', 'test/load.test.ts']);
    expect(still.map((b) => b.file)).toEqual(['test/mixed.test.ts', 'test/gone.test.ts']);
  });
});

describe('npm run consolidation-check -- --rehearse', () => {
  it('copies the repo without legacy, narrows ENGINES, runs the typecheck and the given tests there: PASS', {
    timeout: 240_000,
  }, async () => {
    const { stdout } = await run(
      process.execPath,
      ['scripts/consolidation-check.ts', '--rehearse', '--keep', '--tests', 'test/facade/health-check.test.ts'],
      {
        cwd: process.cwd(),
        timeout: 230_000,
      },
    );
    const kept = /rehearse: copy kept at (\S+)/.exec(stdout)?.[1];
    expect(kept, stdout).toBeDefined();
    try {
      const repo = join(kept!, 'repo');
      expect(await exists(join(repo, 'src/models-v2/index.ts'))).toBe(true);
      expect(await exists(join(repo, 'src/models-legacy'))).toBe(false);
      expect(await exists(join(repo, 'src/engines/legacy.ts'))).toBe(false);
      expect(await exists(join(repo, 'test/legacy'))).toBe(false);
      expect(await exists(join(repo, '.git'))).toBe(false);
      expect(await readFile(join(repo, ENGINES_FILE), 'utf8')).toContain("= ['v2'];");
      expect(await readFile(join(repo, LOADER_FILE), 'utf8')).not.toContain('models-legacy');
      // The narrowed suite ran on v2 only: the vitest report lists no legacy test.
      const report = JSON.parse(await readFile(join(kept!, 'vitest.json'), 'utf8')) as {
        testResults: { assertionResults: { fullName: string }[] }[];
      };
      const names = report.testResults.flatMap((r) => r.assertionResults.map((a) => a.fullName));
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => n.includes('legacy'))).toEqual([]);
      expect(names.some((n) => n.includes('v2'))).toBe(true);
      expect(stdout).toContain('rehearse: typecheck ok');
      expect(stdout).toMatch(/rehearse: PASS/);
    } finally {
      await rm(kept!, { recursive: true, force: true });
    }
  });

  it('refuses --tests or --keep without --rehearse (exit 2, one line)', async () => {
    const result = await run(process.execPath, ['scripts/consolidation-check.ts', '--keep'], { cwd: process.cwd() }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('consolidation-check: --tests and --keep are only used with --rehearse (see --help)\n');
  });
});
