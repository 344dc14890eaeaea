// Issue 25 item 8 (file parts), as a user runs the CLIs: a run summary or a fixture path that is
// a FIFO with no writer, a device or an oversized file is refused at once with exit 2 and one
// line naming the path and why (never a blocked read, never a stack trace); symlinked fixture
// files are followed, a dangling link or a loop is reported (docs/harness.md, "Fixture files").
import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_LIMITS } from '../../src/config/read-bounded-file.ts';
import { runScript } from './support/run-script.ts';

// A bundled fixture (docs/contract.md "Fixtures" shape, recorded from the wire corpus) to point links at.
const FIXTURE = 'test/fixtures/openai/404-plain-text-body.json';
// Long enough for a cold start on a busy machine; a blocked read is killed here and fails the test.
const QUICK = { timeoutMs: 15_000 };
const FIFO = 'a FIFO (named pipe), not a regular file';
const DEVICE = 'a character device, not a regular file';

let dir: string;
let good: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-bounded-files-'));
  good = join(dir, 'good-summary.json');
  await writeFile(good, JSON.stringify({ schema: 'dd-run-summary/1', entries: [] }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('gate: run summaries', () => {
  it('a FIFO with no writer as --baseline is exit 2 at once (it used to block forever)', async () => {
    const pipe = fifo('baseline.json');
    const started = performance.now();
    const result = await runScript('gate', ['--baseline', pipe, '--candidate', good], QUICK);
    expect(performance.now() - started).toBeLessThan(QUICK.timeoutMs);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(`gate: --baseline ${pipe}: is ${FIFO}; a run summary must be a regular file`);
  });

  it('a device as --candidate is exit 2 with one line', async () => {
    const result = await runScript('gate', ['--baseline', good, '--candidate', '/dev/zero'], QUICK);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(`gate: --candidate /dev/zero: is ${DEVICE}; a run summary must be a regular file`);
  });

  it('a summary over the cap is refused by its size, naming the cap', async () => {
    const huge = join(dir, 'huge-summary.json');
    await writeFile(huge, '');
    await truncate(huge, FILE_LIMITS.summary.maxBytes + 1);
    const result = await runScript('gate', ['--baseline', good, '--candidate', huge], QUICK);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      `gate: --candidate ${huge}: is ${FILE_LIMITS.summary.maxBytes + 1} bytes; a run summary may be at most 33554432 bytes (32 MiB)`,
    );
  });
});

describe('compare: fixtures', () => {
  it('--fixtures on a FIFO or a device is exit 2 with one line, not a stack trace', async () => {
    const pipe = fifo('fixture-pipe');
    for (const path of [pipe, '/dev/null']) {
      const result = await runScript('compare', ['--fixtures', path], QUICK);
      expect(result.code).toBe(2);
      const kind = path === pipe ? 'a FIFO (named pipe)' : 'a character device';
      // compare names a fixture by its path relative to the working directory (the repo root).
      const shown = relative(process.cwd(), path) || path;
      expect(oneLine(result.stderr)).toContain(`${shown}: is ${kind}, not a regular file; a fixture must be a regular file`);
    }
  });

  it('a FIFO named *.json inside a fixture directory is refused, not skipped', async () => {
    const tree = join(dir, 'with-fifo');
    await mkdir(tree);
    await copyFile(FIXTURE, join(tree, 'a-real.json'));
    execFileSync('mkfifo', [join(tree, 'b-pipe.json')]);
    const result = await runScript('compare', ['--fixtures', tree], QUICK);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/b-pipe\.json: is a FIFO \(named pipe\), not a regular file/);
  });

  it('a symlinked fixture file is followed: its case runs and is reported', async () => {
    const tree = join(dir, 'with-link');
    await mkdir(tree);
    await symlink(join(process.cwd(), FIXTURE), join(tree, 'linked.json'));
    const json = join(dir, 'linked-report.json');
    const result = await runScript('compare', ['--fixtures', tree, '--json', json], { timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS: 1 case, 1 in parity \(100%\)/m);
  });

  it('a dangling link and a link back to its own directory are reported by name', async () => {
    const dangling = join(dir, 'with-dangling');
    await mkdir(dangling);
    await copyFile(FIXTURE, join(dangling, 'a-real.json'));
    await symlink(join(dir, 'nowhere.json'), join(dangling, 'gone.json'));
    const first = await runScript('compare', ['--fixtures', dangling], QUICK);
    expect(first.code).toBe(2);
    expect(oneLine(first.stderr)).toContain(`${join(dangling, 'gone.json')}: a symbolic link to nothing (its target does not exist)`);

    const loop = join(dir, 'with-loop');
    await mkdir(join(loop, 'sub'), { recursive: true });
    await copyFile(FIXTURE, join(loop, 'sub', 'a-real.json'));
    await symlink(loop, join(loop, 'sub', 'back'));
    const second = await runScript('compare', ['--fixtures', loop], QUICK);
    expect(second.code).toBe(2);
    expect(oneLine(second.stderr)).toContain(`${join(loop, 'sub', 'back')}: a symbolic link back to a directory it is inside (a loop)`);
  });
});

describe('workloads and JSON schemas', () => {
  it('record --workload on a FIFO is exit 2 at once, naming it', async () => {
    const config = join(dir, 'record-config.json');
    await writeFile(
      config,
      JSON.stringify({
        providers: [{ name: 'p', endpoint: 'http://127.0.0.1:9/v1', providerType: 'openai', apiKey: 'k-literal' }],
        models: [{ alias: 'm', model: 'x', provider: 'p' }],
      }),
    );
    const pipe = fifo('workload.yaml');
    const result = await runScript('record', ['--config', config, '--workload', pipe, '--out', join(dir, 'never')], QUICK);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(`record: workload ${pipe} is ${FIFO}; a workload file must be a regular file`);
  });

  it('dd-models generate --json-schema on a device is exit 2 before the config is read', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['src/cli/dd-models.ts', 'generate', '--config', join(dir, 'absent.yaml'), '--model', 'm', '--json-schema', '/dev/urandom', 'hi'],
        { env: { PATH: process.env.PATH ?? '' }, timeout: QUICK.timeoutMs },
        (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `dd-models: ConfigError: JSON schema file /dev/urandom is ${DEVICE}; a JSON schema file must be a regular file.`,
    );
  });

  it('fake-provider --script on a FIFO and --schedule on a device are exit 2 with one line', async () => {
    const pipe = fifo('script.json');
    const script = await runScript('fake-provider', ['--port', '0', '--script', pipe], QUICK);
    expect(script.code).toBe(2);
    expect(oneLine(script.stderr)).toBe(
      `fake-provider: --script ${pipe}: is ${FIFO}; a fake provider script or schedule must be a regular file`,
    );
    const schedule = await runScript('fake-provider', ['--port', '0', '--schedule', '/dev/zero'], QUICK);
    expect(schedule.code).toBe(2);
    expect(oneLine(schedule.stderr)).toContain('--schedule /dev/zero: is a character device, not a regular file');
  });
});

describe('terminal output: control characters from files are shown, not obeyed', () => {
  it('a fixture name with an OSC title sequence and a file name with ANSI colour are printed as escapes', async () => {
    const tree = join(dir, 'escapes');
    await mkdir(tree);
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8'));
    fixture.name = 'openai/\u001b]0;owned\u0007title\u009b2J';
    await writeFile(join(tree, 'a-named.json'), JSON.stringify(fixture));
    const shown = await runScript('compare', ['--fixtures', tree], { timeoutMs: 60_000 });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('openai/\\x1b]0;owned\\x07title\\x9b2J');
    expect(shown.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);

    await writeFile(join(tree, 'b-\u001b[31mred.json'), '{"name": ');
    const refused = await runScript('compare', ['--fixtures', tree], QUICK);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toContain('b-\\x1b[31mred.json: not valid JSON');
    expect(refused.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
