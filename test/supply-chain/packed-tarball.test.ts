// The package as a user gets it (issue 12, items 1-2): `npm pack`, install the tarball in a scratch
// project under a temp dir, then run what a newcomer runs — `npx dd-models --help`, the README's
// library snippet against the fake provider on both engines, and a type-check of a tiny TS file
// importing the package. Nothing under node_modules may need type stripping: the bin and the
// library are compiled JavaScript.
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { REPO_ROOT } from '../harness/support/run-script.ts';

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
    expect(packedFiles.filter((path) => path.startsWith('dist/testing/'))).toEqual([]);
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
