// Cold start of the built package (`dist`), each figure a fresh `node` process: the time from the
// process's start (performance.timeOrigin) to the moment the work is done, so node's own boot is
// in every figure and the baseline (a process that does nothing) says how much.
//   baseline             nothing imported
//   import               import('dist/index.js') and nothing else
//   <engine> <provider>  import + a registry with one model + its first chat call
//   sdk <provider>       the bare SDK doing the same: import, construct with defaults, one call
//   <engine> all         import + one registry with a model per provider + one chat call each
//   sdk all              the three bare SDKs doing the same in one process (issue 27's reference)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { EngineName } from '../../core/model-client.ts';
import type { ProviderType } from '../../core/types.ts';

/** One provider, or all three in one process. */
export type ColdStartTarget = ProviderType | 'all';

export type ColdStartCase =
  | { kind: 'baseline' }
  | { kind: 'import' }
  | { kind: 'engine'; engine: EngineName; provider: ColdStartTarget }
  | { kind: 'sdk'; provider: ColdStartTarget };

const PROVIDERS: readonly ProviderType[] = ['openai', 'anthropic', 'bedrock'];
const TARGETS: readonly ColdStartTarget[] = [...PROVIDERS, 'all'];
const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};
const KEY = 'bench-key-not-a-secret';

// Wall time since the process started, and the CPU time it used (user + system): on a shared
// machine the wall time carries other processes' load, the CPU time much less of it.
const DONE = `{
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify([performance.now(), (cpu.user + cpu.system) / 1000]));
}`;

const providersOf = (target: ColdStartTarget): readonly ProviderType[] => (target === 'all' ? PROVIDERS : [target]);

function engineScript(distIndex: string, engine: EngineName, target: ColdStartTarget, endpoints: Record<ProviderType, string>): string {
  const providers = providersOf(target).map((provider) => ({
    name: provider,
    endpoint: endpoints[provider],
    providerType: provider,
    apiKey: KEY,
    ...(provider === 'bedrock' ? { region: 'us-east-1' } : {}),
  }));
  const models = providersOf(target).map((provider) => ({ alias: provider, model: MODELS[provider], provider }));
  return `
const { createModelRegistry } = await import(${JSON.stringify(distIndex)});
const registry = createModelRegistry(
  { providers: ${JSON.stringify(providers)}, models: ${JSON.stringify(models)} },
  { engine: ${JSON.stringify(engine)}, env: {}, logger: { debug() {}, info() {}, warn() {} } },
);
for (const alias of ${JSON.stringify(models.map((m) => m.alias))}) {
  const client = await registry.getClient(alias);
  await client.chat({ model: '', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 });
}
${DONE}
await registry.close();`;
}

// What a user writes by hand for the same call (the bench's compare mode uses the same forms).
function sdkCall(provider: ProviderType, endpoint: string): string {
  const model = JSON.stringify(MODELS[provider]);
  if (provider === 'openai') {
    return `{
const { default: OpenAI } = await import('openai');
const client = new OpenAI({ baseURL: ${JSON.stringify(endpoint)}, apiKey: ${JSON.stringify(KEY)} });
await client.chat.completions.create({ model: ${model}, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 });
}`;
  }
  if (provider === 'anthropic') {
    return `{
const { default: Anthropic } = await import('@anthropic-ai/sdk');
const client = new Anthropic({ baseURL: ${JSON.stringify(endpoint)}, apiKey: ${JSON.stringify(KEY)} });
console.warn = () => {};
await client.messages.create({ model: ${model}, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 });
}`;
  }
  return `{
const { BedrockRuntimeClient, ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
const { NodeHttpHandler } = await import('@smithy/node-http-handler');
const client = new BedrockRuntimeClient({ endpoint: ${JSON.stringify(endpoint)}, region: 'us-east-1', token: { token: ${JSON.stringify(KEY)} }, authSchemePreference: ['httpBearerAuth'], requestHandler: new NodeHttpHandler() });
await client.send(new ConverseCommand({ modelId: ${model}, messages: [{ role: 'user', content: [{ text: 'Hello' }] }], inferenceConfig: { maxTokens: 16 } }));
bedrockClient = client;
}`;
}

function sdkScript(target: ColdStartTarget, endpoints: Record<ProviderType, string>): string {
  const calls = providersOf(target).map((provider) => sdkCall(provider, endpoints[provider]));
  return `let bedrockClient;\n${calls.join('\n')}\n${DONE}\nbedrockClient?.destroy();`;
}

export function coldStartScript(root: string, endpoints: Record<ProviderType, string>, which: ColdStartCase): string {
  const distIndex = pathToFileURL(join(root, 'dist/index.js')).href;
  switch (which.kind) {
    case 'baseline':
      return DONE;
    case 'import':
      return `await import(${JSON.stringify(distIndex)});\n${DONE}`;
    case 'engine':
      return engineScript(distIndex, which.engine, which.provider, endpoints);
    case 'sdk':
      return sdkScript(which.provider, endpoints);
  }
}

export interface ColdStartSample {
  /** Milliseconds from the child's start until its work was done. */
  wallMs: number;
  /** CPU milliseconds (user + system) the child had used by then. */
  cpuMs: number;
}

export async function coldStartRun(root: string, endpoints: Record<ProviderType, string>, which: ColdStartCase): Promise<ColdStartSample> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', coldStartScript(root, endpoints, which)], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const [wallMs, cpuMs] = (() => {
    try {
      return JSON.parse(stdout) as unknown[];
    } catch {
      return [];
    }
  })();
  if (typeof wallMs !== 'number' || typeof cpuMs !== 'number') {
    throw new Error(`cold-start child (${JSON.stringify(which)}) printed ${JSON.stringify(stdout)}`);
  }
  return { wallMs, cpuMs };
}

export interface ColdStartProviderRow {
  /** One provider, or `all`: one process, a model per provider, one call each (issue 27's row). */
  provider: ColdStartTarget;
  /** import + registry + first chat call(s), v2 engine. */
  v2Ms: number;
  legacyMs: number;
  /** The bare SDK's (SDKs') import + client + first call(s). */
  sdkMs: number;
  /** v2Ms / sdkMs; target (`all`, issue 27) ≤ 1. */
  v2VsSdk: number;
  /** v2Ms / legacyMs; target (`all`, issue 27) ≤ 1. */
  v2VsLegacy: number;
  /** legacyMs / sdkMs; target (`all`, issue 27) ≤ 1. */
  legacyVsSdk: number;
  /** The same three figures in CPU milliseconds of the child (medians). */
  cpu: { v2Ms: number; legacyMs: number; sdkMs: number };
}

export interface ColdStartDistReport {
  runs: number;
  /** A node process that imports nothing. */
  baselineMs: number;
  /** import('dist/index.js') alone. */
  importMs: number;
  /** importMs - baselineMs; target ≤ 60 (issue 27). */
  importOverBaselineMs: number;
  /** The baseline and import figures in CPU milliseconds of the child (medians). */
  cpu: { baselineMs: number; importMs: number; importOverBaselineMs: number };
  providers: ColdStartProviderRow[];
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Every case once per round, rounds interleaved so all cases see the same background load. */
export async function runColdStartDist(root: string, endpoints: Record<ProviderType, string>, runs: number): Promise<ColdStartDistReport> {
  const cases: ColdStartCase[] = [
    { kind: 'baseline' },
    { kind: 'import' },
    ...TARGETS.flatMap((provider): ColdStartCase[] => [
      { kind: 'engine', engine: 'v2', provider },
      { kind: 'sdk', provider },
      { kind: 'engine', engine: 'legacy', provider },
    ]),
  ];
  const samples = cases.map(() => [] as ColdStartSample[]);
  for (let round = 0; round < runs; round++) {
    for (const [index, which] of cases.entries()) samples[index].push(await coldStartRun(root, endpoints, which));
  }
  const at = (predicate: (c: ColdStartCase) => boolean, figure: keyof ColdStartSample = 'wallMs') =>
    median(samples[cases.findIndex(predicate)].map((sample) => sample[figure]));
  const baseline = (c: ColdStartCase) => c.kind === 'baseline';
  const imported = (c: ColdStartCase) => c.kind === 'import';
  const engineCase = (engine: EngineName, provider: ColdStartTarget) => (c: ColdStartCase) =>
    c.kind === 'engine' && c.engine === engine && c.provider === provider;
  const sdkCase = (provider: ColdStartTarget) => (c: ColdStartCase) => c.kind === 'sdk' && c.provider === provider;
  return {
    runs,
    baselineMs: at(baseline),
    importMs: at(imported),
    importOverBaselineMs: at(imported) - at(baseline),
    cpu: {
      baselineMs: at(baseline, 'cpuMs'),
      importMs: at(imported, 'cpuMs'),
      importOverBaselineMs: at(imported, 'cpuMs') - at(baseline, 'cpuMs'),
    },
    providers: TARGETS.map((provider) => {
      const v2Ms = at(engineCase('v2', provider));
      const legacyMs = at(engineCase('legacy', provider));
      const sdkMs = at(sdkCase(provider));
      return {
        provider,
        v2Ms,
        legacyMs,
        sdkMs,
        v2VsSdk: v2Ms / sdkMs,
        v2VsLegacy: v2Ms / legacyMs,
        legacyVsSdk: legacyMs / sdkMs,
        cpu: {
          v2Ms: at(engineCase('v2', provider), 'cpuMs'),
          legacyMs: at(engineCase('legacy', provider), 'cpuMs'),
          sdkMs: at(sdkCase(provider), 'cpuMs'),
        },
      };
    }),
  };
}
