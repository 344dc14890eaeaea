// The dd-models CLI as a user runs it: a child process with a config file, talking to the
// scripted provider over loopback through each engine.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openaiErrorReply, openaiKit } from './helpers/provider-replies.ts';
import { ENGINES, scriptedConfig } from './helpers/scripted-registry.ts';
import { ScriptedProvider } from './helpers/scripted-provider.ts';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['src/cli/dd-models.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let server: ScriptedProvider;
let dir: string;
let configFile: string;

beforeAll(async () => {
  server = await ScriptedProvider.start();
  dir = await mkdtemp(join(tmpdir(), 'dd-models-'));
  configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(scriptedConfig(openaiKit, server)));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => server.reset());

describe.each(ENGINES)('dd-models generate --engine %s', (engine) => {
  it('prints the answer, the engine and the usage', async () => {
    server.reply(openaiKit.reply({ text: '  Paris.  ', usage: { input: 12, output: 3 } }));
    const run = await cli(['generate', '--config', configFile, '--model', 'model', '--engine', engine, 'Capital of France?']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [answer, ...report] = run.stdout.split('\n\n');
    expect(answer).toBe('Paris.');
    const text = report.join('\n\n');
    expect(text).toContain(`engine: ${engine} (provider 'scripted', openai)`);
    expect(text).toContain('tokens: input=12, output=3, total=15');
    expect(text).toContain('requests: success=1, failed=0, total=1');
    expect(server.bodies[0].messages).toEqual([{ role: 'user', content: 'Capital of France?' }]);
  });

  it('--json-schema validates the answer, correcting once, and --json prints one document', async () => {
    const schemaFile = join(dir, 'city.schema.json');
    await writeFile(
      schemaFile,
      JSON.stringify({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
    );
    server.reply(
      openaiKit.reply({ text: '```json\n{"town": "Paris"}\n```', usage: { input: 40, output: 9 } }),
      openaiKit.reply({ text: '```json\n{"city": "Paris"}\n```', usage: { input: 70, output: 9 } }),
    );
    const run = await cli([
      'generate',
      '--config',
      configFile,
      '--model',
      'model',
      '--engine',
      engine,
      '--json-schema',
      schemaFile,
      '--max-correction-steps',
      '1',
      '--json',
      'Capital of France?',
    ]);
    expect(run.stderr).toBe('');
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      output: { city: 'Paris' },
      engine,
      model: openaiKit.model,
      usage: { tokens: { input: 110, output: 18, total: 128 }, requests: { successful: 2, failed: 0, total: 2 } },
    });
    const [system] = server.bodies[0].messages;
    expect(system.role).toBe('system');
    expect(system.content).toContain('"required": [\n    "city"\n  ]');
    expect(server.bodies[1].messages.at(-1).content).toMatch(/^Response doesn't match requested <response_schema>/);
  });

  it('a provider error is reported as our error class and solution, without a stack trace', async () => {
    server.reply(openaiErrorReply(401, 'Incorrect API key provided.', 'invalid_api_key'));
    const run = await cli(['generate', '--config', configFile, '--model', 'model', '--engine', engine, 'Hi']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^dd-models: ModelAuthenticationError: .*model 'model'.*\n {2}solution: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('sk-scripted-test-key');
  });
});

describe('dd-models errors and help', () => {
  it('--help prints usage', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dd-models generate --config <file> --model <alias>');
  });

  it('an invalid config is a ConfigError naming the path, exit 2 (an input to fix, as in compare)', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'providers:\n  - name: p\n    endpoint: http://127.0.0.1:1\n    providerType: mistral\nmodels: []\n');
    const run = await cli(['generate', '--config', bad, '--model', 'model', 'Hi']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^dd-models: ConfigError: Invalid config file .*providers\[0\] \(name "p"\)\.providerType: unknown provider type "mistral"/s,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown alias names the configured ones, exit 2', async () => {
    const run = await cli(['generate', '--config', configFile, '--model', 'nope', '--engine', 'legacy', 'Hi']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("No model config with alias 'nope' found");
    expect(run.stderr).toContain("'model'");
  });

  it('an engine variable it does not understand is one ConfigError naming it, exit 2', async () => {
    const run = await cli(['generate', '--config', configFile, '--model', 'model', 'Hi'], { DATA_DESIGNER_ASYNC_ENGINE: 'yes' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^dd-models: ConfigError: DATA_DESIGNER_ASYNC_ENGINE="yes" is not understood/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad command lines exit 2 with a pointer to --help', async () => {
    for (const args of [
      ['generate', '--config', configFile, 'Hi'],
      ['generate', '--bogus'],
      ['frobnicate'],
      ['generate', '--config', configFile, '--model', 'model', '--engine', 'v3', 'Hi'],
    ]) {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("Run 'dd-models --help' for usage.");
    }
  });
});

describe.each(ENGINES)('dd-models health --engine %s (issue 12, item 7)', (engine) => {
  it('checks and reports every alias even after one fails, and exits 1', async () => {
    const file = join(dir, `health-${engine}.json`);
    await writeFile(
      file,
      JSON.stringify(
        scriptedConfig(openaiKit, server, {
          models: [
            { alias: 'first', model: openaiKit.model },
            { alias: 'second', model: openaiKit.model },
          ],
        }),
      ),
    );
    server.reply(openaiErrorReply(401, 'Incorrect API key provided.', 'invalid_api_key'), openaiKit.reply({ text: 'Hello!' }));
    const run = await cli(['health', '--config', file, '--engine', engine]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^first: failed \\(engine: ${engine}, dialect: openai\\) ` +
          "ModelAuthenticationError: .*model 'first'.* while running health checks\\.",
      ),
    );
    expect(lines[1]).toBe(`second: ok (engine: ${engine}, dialect: openai)`);
    expect(lines[2]).toBe('health: 1 of 2 passed or skipped, 1 failed');
    expect(server.bodies).toHaveLength(2);
    expect(run.stdout + run.stderr).not.toContain('sk-scripted-test-key');
  });

  it('exits 0 when every alias passes', async () => {
    server.reply(openaiKit.reply({ text: 'Hello!' }));
    const run = await cli(['health', '--config', configFile, '--engine', engine]);
    expect(run.stdout).toBe(`model: ok (engine: ${engine}, dialect: openai)\nhealth: 1 of 1 passed or skipped, 0 failed\n`);
    expect(run.code).toBe(0);
  });

  it('names the dialect the provider is read with (issue 30)', async () => {
    const file = join(dir, `health-dialect-${engine}.json`);
    await writeFile(file, JSON.stringify(scriptedConfig(openaiKit, server, { provider: { dialect: 'Mistral' } })));
    server.reply(openaiKit.reply({ text: 'Hello!' }));
    const run = await cli(['health', '--config', file, '--engine', engine]);
    expect(run.stdout).toBe(`model: ok (engine: ${engine}, dialect: mistral)\nhealth: 1 of 1 passed or skipped, 0 failed\n`);
    expect(run.code).toBe(0);
  });

  it('an unknown --model alias is refused before any request, exit 2', async () => {
    const run = await cli(['health', '--config', configFile, '--engine', engine, '--model', 'model', '--model', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("No model config with alias 'nope' found");
    expect(server.bodies).toHaveLength(0);
  });
});

describe('dd-models generate on an embedding alias (issue 12, item 7)', () => {
  it('is refused before any request, naming the alias and its generation type, exit 2', async () => {
    const file = join(dir, 'embedding.json');
    await writeFile(
      file,
      JSON.stringify(
        scriptedConfig(openaiKit, server, {
          models: [{ alias: 'embed', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' } }],
        }),
      ),
    );
    const run = await cli(['generate', '--config', file, '--model', 'embed', 'Hi']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^dd-models: model 'embed' is an embedding model \(inferenceParameters\.generationType: embedding\); generate needs a chat model alias/,
    );
    expect(server.bodies).toHaveLength(0);
  });
});
