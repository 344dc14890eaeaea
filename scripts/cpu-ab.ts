#!/usr/bin/env node
// node scripts/cpu-ab.ts --base <other tree's src> [--rounds 7] [--calls 400] [--targets openai-chat,bedrock-chat,...]
// Client CPU per call of legacy, v2 from another checkout (e.g. the commit before a change) and
// v2 from this tree, in ONE process against the fake provider (a child process), interleaved:
// every round runs each variant once, rotating which goes first, so all three see the same
// machine load. Prints the medians per variant and the median of the per-round ratios, which on
// a shared, noisy machine are far steadier than figures taken from separate runs.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelClient } from '../src/core/model-client.ts';
import { silentLogger } from '../src/core/logger.ts';
import { createModelRegistry } from '../src/index.ts';
import { parseFlagsOrExit } from '../src/config/command-line-flags.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseFlagsOrExit('cpu-ab', {
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    calls: { type: 'string', default: '400' },
    targets: { type: 'string', default: 'openai-chat,openai-embedding,anthropic-chat,bedrock-chat,bedrock-embedding' },
  },
});
if (!values.base) {
  process.stderr.write("cpu-ab: --base <path to another checkout's src/> is required (e.g. a clone at the commit before)\n");
  process.exit(2);
}
const rounds = Number(values.rounds);
const callsPerRound = Number(values.calls);
const CONCURRENCY = 8;
const TARGETS = [
  { provider: 'openai', operation: 'chat', model: 'gpt-4o-mini' },
  { provider: 'openai', operation: 'embedding', model: 'text-embedding-3-small' },
  { provider: 'anthropic', operation: 'chat', model: 'claude-sonnet-4-5' },
  { provider: 'bedrock', operation: 'chat', model: 'us.amazon.nova-micro-v1:0' },
  { provider: 'bedrock', operation: 'embedding', model: 'cohere.embed-english-v3' },
].filter((t) => values.targets.split(',').includes(`${t.provider}-${t.operation}`));
const CHAT_MESSAGES = [
  { role: 'system' as const, content: 'You write one short sentence.' },
  { role: 'user' as const, content: 'Describe a lighthouse at dusk.' },
];
const EMBED_INPUT = ['lighthouse', 'harbour at dusk', 'fog horn', 'tide table'];

const base = (await import(join(resolve(values.base), 'index.ts'))) as { createModelRegistry: typeof createModelRegistry };
const child = spawn(process.execPath, [join(root, 'scripts/fake-provider.ts'), '--port', '0', '--latency-ms', '2'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((done) => {
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    if (buffered.includes('\n')) done(buffered.split('\n')[0].trim());
  });
});
const config = {
  providers: (['openai', 'anthropic', 'bedrock'] as const).map((type) => ({
    name: `${type}-fake`,
    endpoint: type === 'openai' ? `${url}/v1` : url,
    providerType: type,
    apiKey: 'bench-key-not-a-secret',
    ...(type === 'bedrock' ? { region: 'us-east-1' } : {}),
  })),
  models: TARGETS.map((t) => ({
    alias: `${t.provider}-${t.operation}`,
    model: t.model,
    provider: `${t.provider}-fake`,
    inferenceParameters:
      t.operation === 'embedding'
        ? { generationType: 'embedding' as const, maxParallelRequests: CONCURRENCY }
        : { maxParallelRequests: CONCURRENCY },
  })),
};
const registries = {
  legacy: base.createModelRegistry(config, { engine: 'legacy', logger: silentLogger, env: {} }),
  'v2-base': base.createModelRegistry(config, { engine: 'v2', logger: silentLogger, env: {} }),
  'v2-this': createModelRegistry(config, { engine: 'v2', logger: silentLogger, env: {} }),
};
type Variant = keyof typeof registries;

async function loop(client: ModelClient, target: (typeof TARGETS)[number], count: number): Promise<void> {
  let started = 0;
  const once = (): Promise<unknown> =>
    target.operation === 'chat'
      ? client.chat({ model: target.model, messages: CHAT_MESSAGES, max_tokens: 64, temperature: 0.7 })
      : client.embed({ model: target.model, input: EMBED_INPUT });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started++ < count) await once();
    }),
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const target of TARGETS) {
  const alias = `${target.provider}-${target.operation}`;
  const variants = Object.keys(registries) as Variant[];
  const clients = {} as Record<Variant, ModelClient>;
  for (const variant of variants) {
    clients[variant] = await registries[variant].getClient(alias);
    await loop(clients[variant], target, 300);
  }
  const cpu = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const opsPerSec = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const ratios = { 'v2-base/legacy': [] as number[], 'v2-this/legacy': [] as number[], 'v2-this/v2-base': [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const perCall = {} as Record<Variant, number>;
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      const before = process.cpuUsage();
      const startedAt = performance.now();
      await loop(clients[variant], target, callsPerRound);
      const used = process.cpuUsage(before);
      opsPerSec[variant].push((callsPerRound * 1000) / (performance.now() - startedAt));
      perCall[variant] = (used.user + used.system) / callsPerRound;
      cpu[variant].push(perCall[variant]);
    }
    ratios['v2-base/legacy'].push(perCall['v2-base'] / perCall.legacy);
    ratios['v2-this/legacy'].push(perCall['v2-this'] / perCall.legacy);
    ratios['v2-this/v2-base'].push(perCall['v2-this'] / perCall['v2-base']);
  }
  const figures = variants.map((v) => `${v} ${median(cpu[v]).toFixed(0)}`).join(', ');
  const ratioText = Object.entries(ratios)
    .map(([name, xs]) => `${name} ${median(xs).toFixed(2)}`)
    .join(', ');
  const throughput = variants.map((v) => `${v} ${median(opsPerSec[v]).toFixed(0)}`).join(', ');
  process.stdout.write(`${alias.padEnd(18)} CPU µs/call (median): ${figures} | per-round ratio medians: ${ratioText}\n`);
  process.stdout.write(`${''.padEnd(18)} calls/s (median): ${throughput}\n`);
}
await Promise.all(Object.values(registries).map((registry) => registry.close()));
await new Promise<void>((done) => {
  child.once('exit', () => done());
  child.kill('SIGTERM');
});
