// Outputs are checked before any request or any work (issue 12, item 6): a path that cannot be
// written is one line and exit 2, a pseudo-filesystem never hangs the check, and the check leaves
// nothing behind.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { fileOutputProblem, folderOutputProblem } from '../../src/testing/output-paths.ts';
import { runScript } from './support/run-script.ts';

let dir: string;
let fake: FakeProvider;
let config: string;
let workload: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-out-'));
  fake = await startFakeProvider();
  config = join(dir, 'models.yaml');
  await writeFile(
    config,
    `providers:\n  - { name: fake-openai, endpoint: "${fake.endpoints.openai}", providerType: openai, apiKey: any-key }\nmodels:\n  - { alias: chat-openai, model: gpt-4.1-mini, provider: fake-openai }\n`,
  );
  workload = join(dir, 'workload.yaml');
  await writeFile(workload, '- name: hello\n  alias: chat-openai\n');
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fileOutputProblem / folderOutputProblem', () => {
  it('name the ancestor that is a file', async () => {
    expect(await fileOutputProblem('/etc/passwd/x.json')).toBe('/etc/passwd is not a directory');
    expect(await folderOutputProblem('/etc/passwd/x')).toBe('/etc/passwd is not a directory');
  });

  it('answer promptly under /proc and /sys instead of looping or passing', async () => {
    const started = Date.now();
    expect(await fileOutputProblem('/proc/x/r.html')).toMatch(/^cannot create \/proc\/x: /);
    expect(await fileOutputProblem('/sys/x.json')).toMatch(/^cannot write \/sys\/x\.json: /);
    expect(await folderOutputProblem('/proc/x')).toMatch(/^cannot create \/proc\/x: /);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('accept a writable path with missing folders and leave nothing behind', async () => {
    const root = await mkdtemp(join(dir, 'ok-'));
    expect(await fileOutputProblem(join(root, 'a/b/report.json'))).toBeUndefined();
    expect(await folderOutputProblem(join(root, 'c/d'))).toBeUndefined();
    await mkdir(join(root, 'e'));
    expect(await folderOutputProblem(join(root, 'e'))).toBeUndefined();
    expect((await readdir(root)).sort()).toEqual(['e']);
    expect(await readdir(join(root, 'e'))).toEqual([]);
  });

  it('refuse a directory where a file goes, and keep an existing file as it was', async () => {
    expect(await fileOutputProblem(dir)).toBe(`${dir} is a directory`);
    const existing = join(dir, 'kept.json');
    await writeFile(existing, '{"kept":true}');
    expect(await fileOutputProblem(existing)).toBeUndefined();
    expect(await readdir(dir)).toContain('kept.json');
  });
});

describe('the CLIs check their outputs first', () => {
  it('record --out under a file: exit 2, one line, no request sent', async () => {
    const before = fake.stats().requests;
    const run = await runScript('record', ['--config', config, '--workload', workload, '--out', '/etc/passwd/x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('record: --out /etc/passwd/x: cannot write fixtures there (/etc/passwd is not a directory)\n');
    expect(fake.stats().requests).toBe(before);
  });

  it('compare --html under /proc ends at once with exit 2', async () => {
    const run = await runScript('compare', ['--fixtures', 'test/fixtures', '--html', '/proc/x/r.html'], { timeoutMs: 20_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^compare: --html \/proc\/x\/r\.html: cannot write the report there \(cannot create \/proc\/x: \w+\)\n$/);
    expect(run.stdout).toBe('');
  });

  it('compare --json under /sys is refused before anything runs', async () => {
    const run = await runScript('compare', ['--fixtures', 'test/fixtures', '--json', '/sys/x.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^compare: --json \/sys\/x\.json: cannot write the report there \(cannot write \/sys\/x\.json: \w+\)\n$/);
    expect(run.stdout).toBe('');
  });
});
