// issue 29 item 3: `record`, `dd-models health` and `dd-models generate` against an endpoint that
// does not answer stop after one probe per endpoint, as `compare --live` does, instead of spending
// every engine's connection retries on every call; they say which URL and why, one line per
// failure. Two dead endpoints: a closed loopback port (the message names ECONNREFUSED), and a
// server that accepts and drops every connection, which counts them — so "fails before the retry
// budget would" is asserted as a count of connections, not a time.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/testing/engines.ts';
import { freePort } from './support/free-port.ts';
import { REPO_ROOT, runScript, type ScriptResult } from './support/run-script.ts';

let dir: string;
let closedPort: number;
let dropper: Server;
let connections = 0;

const config = (port: number) =>
  [
    'providers:',
    `  - { name: fake-openai, endpoint: "http://127.0.0.1:${port}/v1", providerType: openai, apiKey: any-key }`,
    `  - { name: fake-anthropic, endpoint: "http://127.0.0.1:${port}", providerType: anthropic, apiKey: any-key }`,
    'models:',
    '  - { alias: chat-openai, model: gpt-4.1-mini, provider: fake-openai }',
    '  - { alias: chat-anthropic, model: claude-sonnet-4-5, provider: fake-anthropic }',
    '  - { alias: chat-openai-2, model: gpt-4.1-nano, provider: fake-openai }',
    '',
  ].join('\n');

function ddModels(args: string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['src/cli/dd-models.ts', ...args], { cwd: REPO_ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const commands = {
  record: (file: string, engine: string) =>
    runScript('record', [
      '--config',
      file,
      '--workload',
      join(dir, 'workload.yaml'),
      '--out',
      join(dir, `out-${engine}`),
      '--engine',
      engine,
    ]),
  health: (file: string, engine: string) => ddModels(['health', '--config', file, '--engine', engine]),
  generate: (file: string, engine: string) => ddModels(['generate', '--config', file, '--model', 'chat-openai', '--engine', engine, 'hi']),
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-unreachable-'));
  closedPort = await freePort();
  dropper = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((done) => dropper.listen(0, '127.0.0.1', done));
  await writeFile(join(dir, 'closed.yaml'), config(closedPort));
  await writeFile(join(dir, 'dropping.yaml'), config((dropper.address() as AddressInfo).port));
  const calls = Array.from({ length: 10 }, (_, i) => `- { name: call-${i}, alias: ${i % 2 ? 'chat-anthropic' : 'chat-openai'} }`);
  await writeFile(join(dir, 'workload.yaml'), `${calls.join('\n')}\n`);
});
afterAll(async () => {
  await new Promise((done) => dropper.close(done));
  await rm(dir, { recursive: true, force: true });
});

describe.each(ENGINES)('engine %s: a dead endpoint fails at once, naming the URL and the errno', (engine) => {
  it('record: one line, exit 1, no fixture, no call made', async () => {
    const result = await commands.record(join(dir, 'closed.yaml'), engine);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `record: alias "chat-openai": endpoint http://127.0.0.1:${closedPort}/v1 is unreachable ` +
        `(connect ECONNREFUSED 127.0.0.1:${closedPort}); nothing was recorded\n`,
    );
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).not.toContain(`out-${engine}`);
  });

  it('health: one line per alias (no second warning line), exit 1', async () => {
    const result = await commands.health(join(dir, 'closed.yaml'), engine);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const refused = `is unreachable (connect ECONNREFUSED 127.0.0.1:${closedPort}) while running health checks.`;
    expect(result.stdout.split('\n')).toEqual([
      `chat-openai: failed (engine: ${engine}, dialect: openai) ModelAPIConnectionError: The endpoint http://127.0.0.1:${closedPort}/v1 of model ` +
        `'chat-openai' on provider 'fake-openai' ${refused}`,
      `chat-anthropic: failed (engine: ${engine}) ModelAPIConnectionError: The endpoint http://127.0.0.1:${closedPort} of model ` +
        `'chat-anthropic' on provider 'fake-anthropic' ${refused}`,
      `chat-openai-2: failed (engine: ${engine}, dialect: openai) ModelAPIConnectionError: The endpoint http://127.0.0.1:${closedPort}/v1 of model ` +
        `'chat-openai-2' on provider 'fake-openai' ${refused}`,
      'health: 0 of 3 passed or skipped, 3 failed',
      '',
    ]);
  });

  it('generate: the error names the endpoint URL and the errno, exit 1', async () => {
    const result = await commands.generate(join(dir, 'closed.yaml'), engine);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `dd-models: ModelAPIConnectionError: The endpoint http://127.0.0.1:${closedPort}/v1 of model 'chat-openai' on provider ` +
        `'fake-openai' is unreachable (connect ECONNREFUSED 127.0.0.1:${closedPort}) while running dd-models generate.\n` +
        '  solution: Check the endpoint URL, network, proxy and firewall settings.\n',
    );
  });

  // Each command probes the distinct endpoints it needs once (here two URLs: the /v1 one and the
  // bare one; generate needs only the first) and makes no call: before, every call spent the
  // connection budget (3 attempts each) — 30 connections for record, 9 for health, 3 for generate.
  it.each([
    ['record', 2],
    ['health', 2],
    ['generate', 1],
  ] as const)('%s: connections to a server that drops them = one probe per endpoint', async (command, probes) => {
    connections = 0;
    const result = await commands[command](join(dir, 'dropping.yaml'), engine);
    expect(result.code).toBe(1);
    expect(connections).toBe(probes);
    expect(`${result.stdout}${result.stderr}`).toContain(`endpoint http://127.0.0.1:${(dropper.address() as AddressInfo).port}/v1`);
  });
});

it('record: a call whose requests all fail upstream prints one line for its retries, not one per attempt', async () => {
  // Alive for the probe (a HEAD gets a 404), dead for every call (the socket is dropped mid-request).
  const halfDead = createHttpServer((req, res) => (req.method === 'HEAD' ? res.writeHead(404).end() : req.socket.destroy()));
  await new Promise<void>((done) => halfDead.listen(0, '127.0.0.1', done));
  try {
    const file = join(dir, 'half-dead.yaml');
    await writeFile(file, config((halfDead.address() as AddressInfo).port));
    const result = await runScript('record', [
      ...['--config', file, '--workload', join(dir, 'workload.yaml'), '--out', join(dir, 'half-dead-out')],
      ...['--filter', 'call-0', '--engine', 'legacy'],
    ]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^call-0: NOT RECORDED: no request reached the provider \(ModelAPIConnectionError\)$/);
    // The connection budget is 3 attempts (docs/engine-rules.md): one line says so.
    expect(lines[1]).toMatch(/^ {2}POST \/v1\/chat\/completions failed upstream: .+ \(3 attempts\)$/);
    expect(lines.slice(2)).toEqual(['recorded 0/1 calls into ' + join(dir, 'half-dead-out')]);
  } finally {
    await new Promise((done) => halfDead.close(done));
  }
}, 60_000);
