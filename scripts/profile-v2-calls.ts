#!/usr/bin/env node
// npm run profile-v2 -- [--provider openai|anthropic|bedrock] [--operation chat|embedding] [--calls N] [--concurrency N] [--out file]
// A CPU profile of a loop of v2 calls against the fake provider (a child process, so only the
// client's CPU is profiled) and where its time went, by category of code. The profiler runs
// around the measured loop only (after warm-up); the .cpuprofile opens in Chrome DevTools.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlagsOrExit } from '../src/config/command-line-flags.ts';
import { createModelRegistry } from '../src/index.ts';
import { silentLogger } from '../src/core/logger.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseFlagsOrExit('profile-v2', {
  options: {
    provider: { type: 'string', default: 'openai' },
    operation: { type: 'string', default: 'chat' },
    calls: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '8' },
    out: { type: 'string' },
  },
});
const provider = values.provider as 'openai' | 'anthropic' | 'bedrock';
const operation = values.operation as 'chat' | 'embedding';
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

/** The category a profile node's self time belongs to. */
function category({ functionName, url }: Node['callFrame']): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return `${functionName}`;
  if (url.includes('node:internal/deps/undici')) return "Node's fetch / Headers (bundled undici)";
  if (url.includes('/node_modules/undici/')) return 'undici (package: request API)';
  if (url.includes('node:internal/webstreams')) return 'web streams';
  if (url.includes('node:internal/abort_controller') || url.includes('node:internal/event_target')) return 'AbortSignal / EventTarget';
  if (url.includes('/node_modules/openai/') || url.includes('/node_modules/@anthropic-ai/')) return 'Stainless SDK';
  if (url.includes('/node_modules/@smithy/') || url.includes('/node_modules/@aws-sdk/') || url.includes('/node_modules/@aws-crypto/'))
    return 'AWS SDK (smithy, @aws-sdk)';
  if (url.includes('/src/')) return 'our code (src/)';
  if (url.includes('node:zlib') || url.includes('node:internal/streams') || url.includes('node:stream')) return 'node streams';
  if (url.includes('node:net') || url.includes('node:internal/net') || url.includes('node:_http') || url.includes('node:internal/http'))
    return 'node net/http';
  if (url.includes('node:internal/timers') || url.includes('node:timers')) return 'timers';
  if (url.startsWith('node:')) return 'other node internals';
  if (url === '') return 'native / builtins';
  return 'other JS (node_modules)';
}

async function startFakeProvider(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(root, 'scripts/fake-provider.ts'), '--port', '0', '--latency-ms', '2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (buffered.includes('\n')) resolve(buffered.split('\n')[0].trim());
    });
    child.once('exit', (code) => reject(new Error(`fake provider exited with code ${code}`)));
  });
  return { url, stop: () => new Promise<void>((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))) };
}

const fake = await startFakeProvider();
const MODELS = {
  openai: { chat: 'gpt-4o-mini', embedding: 'text-embedding-3-small' },
  anthropic: { chat: 'claude-3-5-haiku-latest', embedding: 'claude-3-5-haiku-latest' },
  bedrock: { chat: 'us.amazon.nova-micro-v1:0', embedding: 'cohere.embed-english-v3' },
} as const;
const registry = createModelRegistry(
  {
    providers: [
      {
        name: 'fake',
        endpoint: provider === 'openai' ? `${fake.url}/v1` : fake.url,
        providerType: provider,
        apiKey: 'profile-key-not-a-secret',
        ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}),
      },
    ],
    models: [
      {
        alias: 'm',
        model: MODELS[provider][operation],
        provider: 'fake',
        inferenceParameters:
          operation === 'embedding'
            ? { generationType: 'embedding' as const, maxParallelRequests: concurrency }
            : { maxParallelRequests: concurrency },
      },
    ],
  },
  { engine: 'v2', logger: silentLogger, env: {} },
);
const client = await registry.getClient('m');
const once = (): Promise<unknown> =>
  operation === 'chat'
    ? client.chat({
        model: 'x',
        messages: [
          { role: 'system', content: 'You write one short sentence.' },
          { role: 'user', content: 'Describe a lighthouse at dusk.' },
        ],
        max_tokens: 64,
        temperature: 0.7,
      })
    : client.embed({ model: 'x', input: ['lighthouse', 'harbour at dusk', 'fog horn', 'tide table'] });
async function loop(count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await once();
    }),
  );
}

await loop(500);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const cpuBefore = process.cpuUsage();
const started = performance.now();
await loop(calls);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: Node[] } };
session.disconnect();
await registry.close();
await fake.stop();

const totals = new Map<string, number>();
let all = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits || node.callFrame.functionName === '(idle)') continue;
  const name = category(node.callFrame);
  totals.set(name, (totals.get(name) ?? 0) + hits);
  all += hits;
}
const out = values.out ?? `v2-${provider}-${operation}.cpuprofile`;
await writeFile(out, JSON.stringify(profile));
process.stdout.write(
  `v2 ${provider} ${operation}: ${calls} calls, ${concurrency} in flight, ${((calls / wallMs) * 1000).toFixed(0)} calls/s, ` +
    `${((cpu.user + cpu.system) / calls).toFixed(0)} µs CPU per call (whole process, profiler on); profile ${out}\n` +
    `share of non-idle samples by category:\n`,
);
for (const [name, hits] of [...totals].sort((a, b) => b[1] - a[1])) {
  process.stdout.write(`  ${((hits / all) * 100).toFixed(1).padStart(5)} %  ${name}\n`);
}
