// The package as a user gets it (issue 12, items 1-2): `npm pack`, install the tarball in a scratch
// project under a temp dir, then run what a newcomer runs — `npx dd-models --help`, the README's
// library snippet against the fake provider on both engines, and a type-check of a tiny TS file
// importing the package. Nothing under node_modules may need type stripping: the bin and the
// library are compiled JavaScript. Issue 29: on the system's Node 20 (CI has it) the import and
// every dd-models command refuse with one line naming the Node.js needed and found; on Node 24 the
// rollout's commands run from the installed package (`dd-models compare|record|gate|…`).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { nodeVersionProblem } from '../../src/core/node-version.ts';
import { REPO_ROOT } from '../harness/support/run-script.ts';

/** The system's Node 20 (package.json "engines" wants >= 22.19); CI installs it. */
const SYSTEM_NODE = '/usr/bin/node';

const run = promisify(execFile);
const INSTALL_FLAGS = ['--no-audit', '--no-fund', '--no-package-lock'];

let scratch: string;
let tarball: string;
let packedFiles: string[];
let fake: FakeProvider;

/** The environment of every child: no engine switch or log level leaking in from the caller. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  if (!('DATA_DESIGNER_ASYNC_ENGINE' in extra)) delete env.DATA_DESIGNER_ASYNC_ENGINE;
  delete env.DD_LOG_LEVEL;
  return env;
}

/** The first ```ts block after "## Using the library" in README.md. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the library'));
  const found = /```ts\n([\s\S]*?)```/.exec(section);
  if (!found) throw new Error('README.md has no ```ts block under "## Using the library"');
  return found[1];
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dd-packed-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
    cwd: REPO_ROOT,
    env: childEnv(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  // npm prints the prepack build's output before the JSON document.
  const json = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1)) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, json[0].filename);
  packedFiles = json[0].files.map((file) => file.path);
  await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'dd-scratch', version: '1.0.0', private: true, type: 'module' }));
  try {
    // Offline works when every dependency is in the npm cache, as it is after `npm ci`.
    await run('npm', ['install', tarball, '--offline', ...INSTALL_FLAGS], { cwd: scratch, env: childEnv(), timeout: 240_000 });
  } catch {
    await run('npm', ['install', tarball, '--prefer-offline', ...INSTALL_FLAGS], { cwd: scratch, env: childEnv(), timeout: 480_000 });
  }
  fake = await startFakeProvider();
  await writeFile(
    join(scratch, 'models.yaml'),
    [
      'providers:',
      `  - { name: fake-openai, endpoint: "${fake.endpoints.openai}", providerType: openai, apiKey: any-key }`,
      'models:',
      '  - { alias: text, model: gpt-4.1-mini, provider: fake-openai }',
      '',
    ].join('\n'),
  );
}, 900_000);

afterAll(async () => {
  await fake?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds compiled JavaScript, the licence and every document README links, and no TypeScript sources', async () => {
    expect(packedFiles).toContain('LICENSE');
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/cli/dd-models.js');
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((found) => found[1]);
    expect(linked.length).toBeGreaterThan(3);
    expect(linked.filter((path) => !packedFiles.includes(path))).toEqual([]);
    expect(packedFiles.filter((path) => /(?<!\.d)\.ts$/.test(path))).toEqual([]);
    // The rollout's commands ship compiled (issue 29 item 2), with the bundled fixtures they compare.
    expect(packedFiles).toContain('dist/testing/rollout-commands.js');
    expect(packedFiles).toContain('dist/testing/compare/compare-command.js');
    expect(packedFiles.filter((path) => path.startsWith('test/fixtures/') && path.endsWith('.json')).length).toBeGreaterThan(200);
    expect(packedFiles.filter((path) => path.startsWith('test/') && !path.startsWith('test/fixtures/'))).toEqual([]);
    // Source maps would point at ../src, which is not packed.
    expect(packedFiles.filter((path) => path.endsWith('.map'))).toEqual([]);
    const pkg = JSON.parse(await readFile(join(scratch, 'node_modules/data-designer-models/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(Object.values(pkg.bin).every((file) => file.endsWith('.js'))).toBe(true);
  });

  it('runs `npx dd-models --help` from the scratch project', async () => {
    const { stdout } = await run('npx', ['--no-install', 'dd-models', '--help'], { cwd: scratch, env: childEnv(), timeout: 60_000 });
    expect(stdout).toContain('dd-models generate --config <file> --model <alias>');
  });

  it.each(
    [
      ['legacy', ''],
      ['v2', '1'],
    ].filter(([engine]) => (ENGINES as readonly string[]).includes(engine)),
  )('runs the README library snippet against the fake provider (%s engine)', async (engine, switchValue) => {
    await writeFile(join(scratch, `snippet-${engine}.mjs`), await readmeSnippet());
    const before = fake.stats().requests;
    const { stdout } = await run(process.execPath, [`snippet-${engine}.mjs`], {
      cwd: scratch,
      env: childEnv({ DATA_DESIGNER_ASYNC_ENGINE: switchValue }),
      timeout: 60_000,
    });
    expect(stdout).toContain(`openai: '${engine}'`);
    expect(fake.stats().requests).toBe(before + 1);
  });

  // Shadow mode replays the other engine: it goes with legacy (phase 4).
  it.runIf(ENGINES.includes('legacy'))(
    'runs shadow mode from the compiled package, its runs on the shadow worker thread, and exits',
    async () => {
      await writeFile(
        join(scratch, 'shadow.mjs'),
        [
          "import { createModelRegistry, loadConfigFile } from 'data-designer-models';",
          "const registry = createModelRegistry(await loadConfigFile('models.yaml'), { shadow: { sampleRate: 1 } });",
          "const client = await registry.getClient('text');",
          "await client.chat({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello' }] });",
          'await registry.shadowIdle();',
          'console.log(JSON.stringify(registry.shadowSummary()));',
          'await registry.close();',
          '',
        ].join('\n'),
      );
      const before = fake.stats().requests;
      const { stdout } = await run(process.execPath, ['shadow.mjs'], {
        cwd: scratch,
        env: childEnv({ DATA_DESIGNER_ASYNC_ENGINE: '1' }),
        timeout: 60_000,
      });
      const summary = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>[];
      expect(summary).toEqual([
        expect.objectContaining({ alias: 'text', primary: 'v2', shadow: 'legacy', sampled: 1, compared: 1, inParity: 1, failed: 0 }),
      ]);
      expect(fake.stats().requests).toBe(before + 1);
      expect(packedFiles).toContain('dist/shadow/shadow-worker.js');
    },
  );

  it('type-checks a TS file importing the package, with no extra setup', async () => {
    await writeFile(
      join(scratch, 'check.ts'),
      [
        "import { createModelRegistry, loadConfigFile, type ModelRegistry } from 'data-designer-models';",
        "const registry: ModelRegistry = createModelRegistry(await loadConfigFile('models.yaml'));",
        "const { output } = await registry.getModel('text').generate('Write a haiku.');",
        'const text: string = output;',
        '// @ts-expect-error generate takes a prompt string, so the types are real and not `any`',
        'await registry.getModel(text).generate(42);',
        'await registry.close();',
        '',
      ].join('\n'),
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', 'check.ts'];
    const result = await run(process.execPath, args, { cwd: scratch, env: childEnv(), timeout: 120_000 }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }),
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });
});

/** `dd-models <args>` from the scratch project, through the installed bin, on the Node.js running the tests. */
function ddModels(args: string[], timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(scratch, 'node_modules', '.bin', 'dd-models');
  return run(process.execPath, [bin, ...args], { cwd: scratch, env: childEnv(), timeout, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === 'number' ? error.code : 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

const systemNodeVersion = existsSync(SYSTEM_NODE)
  ? (await run(SYSTEM_NODE, ['-p', 'process.versions.node']).catch(() => ({ stdout: '' }))).stdout.trim()
  : '';
const oldSystemNode = systemNodeVersion !== '' && nodeVersionProblem(systemNodeVersion) !== undefined;

describe.runIf(oldSystemNode)(`the installed package on the system's Node ${systemNodeVersion} (issue 29 item 1)`, () => {
  const line = `data-designer-models needs Node.js >= 22.19.0, found ${systemNodeVersion} (${SYSTEM_NODE}): run it with Node.js 22.19 or newer`;

  it('import refuses with one line naming the version needed and found', async () => {
    await writeFile(
      join(scratch, 'old-node.mjs'),
      "import('data-designer-models').then(() => console.log('imported'), (error) => console.log(JSON.stringify(error.message)));\n",
    );
    const { stdout } = await run(SYSTEM_NODE, ['old-node.mjs'], { cwd: scratch, env: childEnv(), timeout: 60_000 });
    expect(stdout.trim()).toBe(JSON.stringify(line));
  });

  it('every dd-models command exits 2 with that one line and no stack, the bin resolving `node` to the old Node', async () => {
    // `#!/usr/bin/env node` finds the system Node first, as in a shell where it is the only one.
    const env = childEnv({ PATH: `/usr/bin:${process.env.PATH ?? ''}` });
    const bin = join(scratch, 'node_modules', '.bin', 'dd-models');
    for (const args of [['--help'], ['generate', '--config', 'models.yaml', '--model', 'text', 'Hi'], ['compare'], ['gate', '--help']]) {
      const result = await run(bin, args, { cwd: scratch, env, timeout: 60_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
      );
      expect(result, args.join(' ')).toEqual({ code: 2, stderr: `dd-models: ${line}\n` });
    }
  });
});

describe("the rollout's commands from the installed package (issue 29 item 2)", () => {
  it.each(['compare', 'record', 'gate', 'staging-job', 'fake-provider'])(
    'dd-models %s --help prints its usage as dd-models',
    async (command) => {
      const result = await ddModels([command, '--help']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`dd-models ${command}`);
      expect(result.stdout).not.toContain('npm run');
    },
  );

  it('dd-models bench --help and bench say how to run the benchmarks in a clone of the installed version', async () => {
    const help = await ddModels(['bench', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('in a clone of data-designer-models 0.1.0');
    const refused = await ddModels(['bench', '--mode', 'capacity']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('npm run bench -- --mode capacity');
  });

  it('dd-models compare replays the bundled fixtures through both engines, all in parity', async () => {
    const result = await ddModels(['compare', '--json', 'compare.json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/PASS: \d{3} cases, \d{3} in parity \(100%\)/);
    const report = JSON.parse(await readFile(join(scratch, 'compare.json'), 'utf8')) as { meta: { fixtures: string[] } };
    expect(report.meta.fixtures).toEqual(['node_modules/data-designer-models/test/fixtures']);
  });

  it('an unknown flag gets "did you mean" from the installed commands too', async () => {
    const result = await ddModels(['compare', '--fixture', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^compare: unknown flag --fixture: did you mean --fixtures\? /);
  });

  describe('against `dd-models fake-provider` (phase 0 record, compare, and the phase-2 gate)', () => {
    let provider: ChildProcess;
    let url: string;
    beforeAll(async () => {
      provider = spawn(process.execPath, [join(scratch, 'node_modules', '.bin', 'dd-models'), 'fake-provider', '--port', '0'], {
        cwd: scratch,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        provider.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolveUrl(out.split('\n')[0].trim());
        });
        provider.once('exit', (code) => reject(new Error(`dd-models fake-provider exited with ${code}`)));
      });
      await writeFile(
        join(scratch, 'rollout.yaml'),
        [
          'providers:',
          `  - { name: fake-openai, endpoint: "${url}/v1", providerType: openai, apiKey: any-key }`,
          `  - { name: fake-anthropic, endpoint: "${url}", providerType: anthropic, apiKey: any-key }`,
          'models:',
          '  - { alias: text, model: gpt-4.1-mini, provider: fake-openai }',
          '  - { alias: claude, model: claude-sonnet-4-5, provider: fake-anthropic }',
          '',
        ].join('\n'),
      );
      await writeFile(
        join(scratch, 'workload.yaml'),
        ['- { name: hello, alias: text }', '- { name: hi-claude, alias: claude }', ''].join('\n'),
      );
    }, 60_000);
    afterAll(async () => {
      if (provider && provider.exitCode === null) {
        const exited = new Promise((done) => provider.once('exit', done));
        provider.kill('SIGTERM');
        await exited;
      }
    });

    it('prints its URL first and serves the engines', async () => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const stats = (await (await fetch(`${url}/_fake/stats`)).json()) as { requests: number };
      expect(typeof stats.requests).toBe('number');
    });

    it('dd-models record writes fixtures that dd-models compare replays in parity', async () => {
      const recorded = await ddModels(['record', '--config', 'rollout.yaml', '--workload', 'workload.yaml', '--out', 'recorded']);
      expect(recorded.stderr).toBe('');
      expect(recorded.stdout).toContain('recorded 2/2 calls into recorded');
      expect(recorded.code).toBe(0);
      expect((await readdir(join(scratch, 'recorded'))).sort()).toEqual(['anthropic', 'openai']);
      const compared = await ddModels(['compare', '--fixtures', 'recorded']);
      expect(compared.stdout).toContain('PASS: 2 cases, 2 in parity (100%)');
      expect(compared.code).toBe(0);
    });

    it('dd-models staging-job on each engine, then dd-models gate judges the two run summaries', async () => {
      for (const [engine, out] of [
        ['legacy', 'legacy-run.json'],
        ['v2', 'v2-run.json'],
      ]) {
        const job = await ddModels(['staging-job', '--config', 'rollout.yaml', '--summary-json', out, '--engine', engine, '--calls', '30']);
        expect(job.stderr).toBe('');
        expect(job.stdout).toContain(`text (${engine}): 30 calls, 0 failed`);
        expect(job.code).toBe(0);
      }
      const gate = await ddModels(['gate', '--baseline', 'legacy-run.json', '--candidate', 'v2-run.json', '--json', 'gate.json']);
      expect(gate.stdout).toContain('gate: baseline legacy-run.json (legacy) vs candidate v2-run.json (v2)');
      const report = JSON.parse(await readFile(join(scratch, 'gate.json'), 'utf8')) as { verdict: string; aliases: unknown[] };
      // Error rates and tokens are equal on the deterministic fake; the verdict rests on latency, which
      // a shared machine may tip: either way the gate ran and its exit code says which.
      expect(['pass', 'fail']).toContain(report.verdict);
      expect(gate.code).toBe(report.verdict === 'pass' ? 0 : 1);
    });
  });
});
