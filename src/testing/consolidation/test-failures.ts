// Reads what broke out of the rehearsal's typecheck output and vitest's JSON report, one entry
// per file, so the report can name each broken file and why it probably broke.

export interface BrokenFile {
  file: string;
  problems: string[];
  /** Full names of the failed tests (empty for a typecheck error or a file that failed before any test ran). */
  tests?: string[];
}

/** The name a file-level failure (no test ran) is known by when runs are compared. */
export const FILE_LEVEL_FAILURE = '(the file failed before any test ran)';

const TS_ERROR = /^(\S+?\.(?:ts|mts|js))[(:](\d+)[,:](\d+)\)?:?\s*-?\s*error (TS\d+): (.*)$/;

/** `file(line,col): error TSnnnn: message` (tsc) or `file:line:col - error TSnnnn: message`. */
export function typecheckFailures(output: string): BrokenFile[] {
  const byFile = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const match = TS_ERROR.exec(line.trim());
    if (!match) continue;
    const [, file, row, , code, message] = match;
    byFile.set(file, [...(byFile.get(file) ?? []), `line ${row}: ${code} ${message}`]);
  }
  return [...byFile].map(([file, problems]) => ({ file, problems }));
}

interface VitestJson {
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName?: string; title?: string; status: string; failureMessages?: string[] }[];
  }[];
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim()
      .slice(0, 200) ?? ''
  );
}

/** Failed test files with their failed tests (or the file-level error when none ran). */
export function testFailures(json: string, root: string): BrokenFile[] {
  const report = JSON.parse(json) as VitestJson;
  const broken: BrokenFile[] = [];
  for (const result of report.testResults ?? []) {
    if (result.status !== 'failed') continue;
    const failed = (result.assertionResults ?? []).filter((a) => a.status === 'failed');
    const problems = failed.length
      ? failed.map((a) => `${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`)
      : [firstLine(result.message) || 'the file failed before any test ran'];
    const file = result.name.startsWith(`${root}/`) ? result.name.slice(root.length + 1) : result.name;
    const tests = failed.length ? failed.map((a) => a.fullName ?? a.title ?? '') : [FILE_LEVEL_FAILURE];
    broken.push({ file, problems, tests });
  }
  return broken;
}

/**
 * [files whose every failing test is in `failing` for that file, the others] — judged per test,
 * not per file: a file where one test failed already and another broke stays broken.
 */
export function splitAllIn(files: BrokenFile[], failing: Map<string, Set<string>>): [BrokenFile[], BrokenFile[]] {
  const allIn = (b: BrokenFile) => (b.tests ?? [FILE_LEVEL_FAILURE]).every((name) => failing.get(b.file)?.has(name) === true);
  return [files.filter(allIn), files.filter((b) => !allIn(b))];
}

/** [files none of whose failing tests is in `failing` for that file, the others]. */
export function splitNoneIn(files: BrokenFile[], failing: Map<string, Set<string>>): [BrokenFile[], BrokenFile[]] {
  const noneIn = (b: BrokenFile) => (b.tests ?? [FILE_LEVEL_FAILURE]).every((name) => failing.get(b.file)?.has(name) !== true);
  return [files.filter(noneIn), files.filter((b) => !noneIn(b))];
}
