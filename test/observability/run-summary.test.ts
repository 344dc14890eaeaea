// The run summary (dd-run-summary/1): the registry's per-(alias, engine) aggregation of facade
// calls on both engines with no SDK registered, its percentiles, and dd-models --summary-json.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelGenerationValidationFailureError } from '../../src/core/errors.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { jsonParser } from '../../src/facade/parsers/index.ts';
import { LatencySamples } from '../../src/observability/latency-samples.ts';
import { RunSummaryRecorder, type RunSummary } from '../../src/observability/run-summary.ts';
import { z } from 'zod';
import { openaiEmbeddingReply, openaiErrorReply, openaiKit } from '../facade/helpers/provider-replies.ts';
import { ENGINES, scriptedConfig, scriptedRegistry } from '../facade/helpers/scripted-registry.ts';
import { ScriptedProvider } from '../facade/helpers/scripted-provider.ts';

describe('LatencySamples percentiles', () => {
  it('are exact (linear interpolation between closest ranks) while every sample is kept', () => {
    const samples = new LatencySamples();
    for (let ms = 1; ms <= 100; ms += 1) samples.add(ms);
    expect(samples.percentiles([50, 95, 99])).toEqual([50.5, 95.1, 99]);
    expect(samples.sampled).toBe(false);
  });

  it('past the limit keep a bounded uniform reservoir: count goes on, estimates stay close', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const samples = new LatencySamples(1000, random);
    for (let i = 0; i < 20_000; i += 1) samples.add(i % 1000);
    expect(samples.count).toBe(20_000);
    expect(samples.sampled).toBe(true);
    const [p50, p95] = samples.percentiles([50, 95]);
    expect(p50).toBeGreaterThan(430);
    expect(p50).toBeLessThan(570);
    expect(p95).toBeGreaterThan(900);
  });

  it('are 0 with no sample', () => {
    expect(new LatencySamples().percentiles([50, 99])).toEqual([0, 0]);
  });
});

describe('RunSummaryRecorder', () => {
  it('keys entries by (alias, engine), times the run from the first start to the last end, sorts failure classes', () => {
    const recorder = new RunSummaryRecorder();
    const key = { alias: 'writer', providerType: 'openai' as const, providerName: 'p', model: 'm' };
    const legacy = recorder.accumulator({ ...key, engine: 'legacy' });
    const v2 = recorder.accumulator({ ...key, engine: 'v2' });
    expect(recorder.accumulator({ ...key, engine: 'v2' })).toBe(v2);
    const base = { attempts: 1, retries: 0, rateLimited: 0, inputTokens: 1, outputTokens: 2, reasoningTokens: 0 };
    legacy.record({ ...base, startedAt: 1_000, endedAt: 1_500, durationMs: 500 });
    v2.record({ ...base, startedAt: 2_000, endedAt: 4_000, durationMs: 2000, errorClass: 'ModelTimeoutError' });
    v2.record({ ...base, startedAt: 2_500, endedAt: 3_000, durationMs: 500, errorClass: 'ModelAPIError' });
    const summary = recorder.summary();
    expect(summary).toMatchObject({
      schema: 'dd-run-summary/1',
      startedAt: new Date(1_000).toISOString(),
      endedAt: new Date(4_000).toISOString(),
      wallMs: 3_000,
    });
    expect(summary.entries.map((e) => e.engine)).toEqual(['legacy', 'v2']);
    expect(summary.entries[1]).toMatchObject({ calls: 2, successes: 0, wallMs: 2_000, tokens: { input: 2, output: 4 } });
    expect(Object.keys(summary.entries[1].failures)).toEqual(['ModelAPIError', 'ModelTimeoutError']);
  });

  it('is empty (no entries, null times) before any call', () => {
    expect(new RunSummaryRecorder().summary()).toEqual({
      schema: 'dd-run-summary/1',
      startedAt: null,
      endedAt: null,
      wallMs: 0,
      entries: [],
    });
  });
});

describe.each(ENGINES)('registry.runSummary() on the %s engine (no OTel SDK registered)', (engine) => {
  let server: ScriptedProvider;
  let registry: ModelRegistry;

  beforeAll(async () => {
    server = await ScriptedProvider.start();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await registry.close();
    server.reset();
  });

  it('counts calls, failures by final class, attempts, retries, 429s and tokens per alias; health checks are not counted', async () => {
    registry = scriptedRegistry(openaiKit, server, engine, {
      models: [
        { alias: 'writer', model: openaiKit.model },
        { alias: 'embedder', model: 'text-embedding-3-small', inferenceParameters: { generationType: 'embedding' } },
      ],
    });
    const writer = registry.getModel('writer');
    const limited = { ...openaiErrorReply(429, 'Rate limit reached', 'rate_limit_exceeded'), headers: { 'retry-after': '1' } };
    server.reply(
      openaiKit.reply({ text: 'one', usage: { input: 10, output: 2, reasoning: 1 } }),
      limited,
      openaiKit.reply({ text: 'two', usage: { input: 11, output: 3 } }),
      openaiErrorReply(400, 'bad request'),
      openaiKit.reply({ text: 'not json', usage: { input: 5, output: 5 } }),
    );
    await writer.generate('a');
    await writer.completion([{ role: 'user', content: 'b' }]);
    await expect(writer.generate('c')).rejects.toMatchObject({ name: 'ModelBadRequestError' });
    const parser = jsonParser(z.object({ x: z.number() }));
    await expect(writer.generate('d', { parser })).rejects.toBeInstanceOf(ModelGenerationValidationFailureError);
    server.reply(openaiEmbeddingReply([[1, 0]], 4));
    await registry.getModel('embedder').embed(['e']);
    server.reply(openaiKit.reply({ text: 'ok' }));
    await registry.healthCheck(['writer']);

    const summary = registry.runSummary();
    expect(summary.schema).toBe('dd-run-summary/1');
    expect(Date.parse(summary.endedAt!)).toBeGreaterThanOrEqual(Date.parse(summary.startedAt!));
    const writerEntry = summary.entries.find((e) => e.alias === 'writer')!;
    expect(writerEntry).toMatchObject({
      alias: 'writer',
      engine,
      providerType: 'openai',
      providerName: 'scripted',
      model: openaiKit.model,
      calls: 4,
      successes: 2,
      failures: { ModelBadRequestError: 1, ModelGenerationValidationFailureError: 1 },
      attempts: 5,
      retries: 1,
      rateLimited: 1,
      tokens: { input: 26, output: 10, reasoning: 1 },
    });
    const { p50, p95, p99 } = writerEntry.latencyMs;
    expect(p50).toBeGreaterThan(0);
    expect(p95).toBeGreaterThanOrEqual(p50);
    expect(p99).toBeGreaterThanOrEqual(p95);
    expect(writerEntry.wallMs).toBeGreaterThanOrEqual(p99 - 1);
    expect(summary.entries.find((e) => e.alias === 'embedder')).toMatchObject({
      calls: 1,
      successes: 1,
      attempts: 1,
      tokens: { input: 4, output: 0 },
    });
  });
});

describe('dd-models generate --summary-json', () => {
  let server: ScriptedProvider;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    server = await ScriptedProvider.start();
    dir = await mkdtemp(join(tmpdir(), 'dd-summary-'));
    configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(scriptedConfig(openaiKit, server)));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => server.reset());

  const cli = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['src/cli/dd-models.ts', ...args],
        { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
        (error, _out, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });

  it.each(ENGINES)('writes the summary on success and on failure (%s)', async (engine) => {
    const ok = join(dir, engine, 'ok.json');
    server.reply(openaiKit.reply({ text: 'Paris.', usage: { input: 12, output: 3 } }));
    expect((await cli(['generate', '--config', configFile, '--model', 'model', '--engine', engine, '--summary-json', ok, 'Q?'])).code).toBe(
      0,
    );
    const written = JSON.parse(await readFile(ok, 'utf8')) as RunSummary;
    expect(written.schema).toBe('dd-run-summary/1');
    expect(written.entries).toHaveLength(1);
    expect(written.entries[0]).toMatchObject({
      alias: 'model',
      engine,
      calls: 1,
      successes: 1,
      attempts: 1,
      tokens: { input: 12, output: 3 },
    });

    const failed = join(dir, engine, 'failed.json');
    server.reply(openaiErrorReply(401, 'Incorrect API key provided'));
    expect(
      (await cli(['generate', '--config', configFile, '--model', 'model', '--engine', engine, '--summary-json', failed, 'Q?'])).code,
    ).toBe(1);
    const failure = JSON.parse(await readFile(failed, 'utf8')) as RunSummary;
    expect(failure.entries[0]).toMatchObject({ calls: 1, successes: 0, failures: { ModelAuthenticationError: 1 } });
  });

  it('refuses --summary-json on health (exit 2): health checks are not counted', async () => {
    const run = await cli(['health', '--config', configFile, '--summary-json', join(dir, 'h.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--summary-json is for generate');
  });
});
