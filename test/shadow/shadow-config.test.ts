// Shadow settings: the option wins over the environment; bad values are refused naming what to fix.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { resolveShadowOptions, type ShadowOptions } from '../../src/shadow/shadow-config.ts';

describe('shadow settings', () => {
  it('is off when unset, empty or 0', () => {
    expect(resolveShadowOptions({})).toBeUndefined();
    expect(resolveShadowOptions({ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '' })).toBeUndefined();
    expect(resolveShadowOptions({ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0' })).toBeUndefined();
    expect(resolveShadowOptions({ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '1' }, { sampleRate: 0 })).toBeUndefined();
  });

  it('reads the environment variables', () => {
    expect(
      resolveShadowOptions({
        DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.25',
        DATA_DESIGNER_SHADOW_DIR: 'out/shadow',
        DATA_DESIGNER_SHADOW_QUEUE_SIZE: '8',
        DATA_DESIGNER_SHADOW_MAX_CPU: '0.2',
      }),
    ).toEqual({
      sampleRate: 0.25,
      fixturesDir: 'out/shadow',
      queueSize: 8,
      concurrency: 1,
      maxCpuShare: 0.2,
      thread: 'worker',
    });
    expect(resolveShadowOptions({ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '1', DATA_DESIGNER_SHADOW_THREAD: 'main' })?.thread).toBe('main');
    expect(resolveShadowOptions({ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '1' })?.maxCpuShare).toBe(0.02);
  });

  it('runs shadow calls on a worker thread unless told otherwise or given the test seam', () => {
    expect(resolveShadowOptions({}, { sampleRate: 1 })?.thread).toBe('worker');
    expect(resolveShadowOptions({}, { sampleRate: 1, thread: 'main' })?.thread).toBe('main');
    expect(resolveShadowOptions({}, { sampleRate: 1, wrapShadowFactory: (_engine, factory) => factory })?.thread).toBe('main');
  });

  it('lets the option win over the environment', () => {
    expect(
      resolveShadowOptions({ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.5' }, { sampleRate: 1, queueSize: 3, concurrency: 2, maxCpuShare: 1 }),
    ).toMatchObject({ sampleRate: 1, queueSize: 3, concurrency: 2, maxCpuShare: 1 });
  });

  it.each([
    [{ DATA_DESIGNER_SHADOW_SAMPLE_RATE: 'often' }, /DATA_DESIGNER_SHADOW_SAMPLE_RATE="often" is not a number/],
    [{ DATA_DESIGNER_SHADOW_SAMPLE_RATE: '1.5' }, /DATA_DESIGNER_SHADOW_SAMPLE_RATE must be a number from 0 to 1, got 1.5/],
    [
      { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.1', DATA_DESIGNER_SHADOW_QUEUE_SIZE: '0' },
      /DATA_DESIGNER_SHADOW_QUEUE_SIZE must be a whole number from 1/,
    ],
    [
      { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.1', DATA_DESIGNER_SHADOW_MAX_CPU: '0' },
      /DATA_DESIGNER_SHADOW_MAX_CPU must be a number above 0 and at most 1, got 0/,
    ],
    [
      { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.1', DATA_DESIGNER_SHADOW_THREAD: 'both' },
      /DATA_DESIGNER_SHADOW_THREAD must be "worker" or "main", got "both"/,
    ],
    [
      { DATA_DESIGNER_SHADOW_SAMPLE_RATE: '0.1', DATA_DESIGNER_SHADOW_MAX_CPU: 'busy' },
      /DATA_DESIGNER_SHADOW_MAX_CPU="busy" is not a number/,
    ],
  ])('refuses bad environment values: %o', (env, message) => {
    expect(() => resolveShadowOptions(env)).toThrow(ConfigError);
    expect(() => resolveShadowOptions(env)).toThrow(message);
  });

  it.each([
    [{ sampleRate: -0.1 }, /shadow.sampleRate must be a number from 0 to 1/],
    [{ sampleRate: 0.1, queueSize: 2.5 }, /shadow.queueSize must be a whole number/],
    [{ sampleRate: 0.1, concurrency: 3 }, /shadow.concurrency must be a whole number from 1 to 2/],
    [{ sampleRate: 0.1, fixturesDir: '' }, /shadow.fixturesDir must be a non-empty path/],
    [{ sampleRate: 0.1, thread: 'process' }, /shadow.thread must be "worker" or "main"/],
    [
      { sampleRate: 0.1, thread: 'worker', wrapShadowFactory: (_e: unknown, f: unknown) => f },
      /wrapShadowFactory cannot run on the shadow worker thread/,
    ],
    [{ sampleRate: 0.1, maxCpuShare: 1.5 }, /shadow.maxCpuShare must be a number above 0 and at most 1, got 1.5/],
  ])('refuses bad option values: %o', (option, message) => {
    expect(() => resolveShadowOptions({}, option as ShadowOptions)).toThrow(message);
  });
});
