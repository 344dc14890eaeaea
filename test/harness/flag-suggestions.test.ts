// An unknown flag (issue 29 item 6): every command — dd-models and each script — answers a typo
// with the flag it most likely meant and the flags there are, exits 2, and starts nothing.
import { describe, expect, it } from 'vitest';
import { parseFlags, UnknownFlagError } from '../../src/config/command-line-flags.ts';
import { runDdModels, runScript } from './support/run-script.ts';

describe('parseFlags', () => {
  const options = { fixtures: { type: 'string' }, filter: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

  it('names the closest flag and lists the flags', () => {
    expect(() => parseFlags({ args: ['--fixture', 'x'], options })).toThrow(
      new UnknownFlagError('unknown flag --fixture: did you mean --fixtures? (flags: --fixtures, --filter, --help)'),
    );
    expect(() => parseFlags({ args: ['--fixture=x'], options })).toThrow('did you mean --fixtures?');
    expect(() => parseFlags({ args: ['--FILTER', 'x'], options })).toThrow('did you mean --filter?');
    // The start of exactly one flag.
    const longer = { 'summary-json': { type: 'string' }, 'latency-ms': { type: 'string' }, latest: { type: 'boolean' } } as const;
    expect(() => parseFlags({ args: ['--summary', 'x'], options: longer })).toThrow('did you mean --summary-json?');
    expect(() => parseFlags({ args: ['--la'], options: longer })).toThrow(
      new UnknownFlagError('unknown flag --la (flags: --summary-json, --latency-ms, --latest)'),
    );
  });

  it('guesses nothing when nothing is close, and leaves other errors and good flags alone', () => {
    expect(() => parseFlags({ args: ['--verbose'], options })).toThrow(
      new UnknownFlagError('unknown flag --verbose (flags: --fixtures, --filter, --help)'),
    );
    expect(() => parseFlags({ args: ['-x'], options })).toThrow('unknown flag -x (flags: ');
    expect(() => parseFlags({ args: ['--filter'], options })).toThrow("Option '--filter <value>' argument missing");
    expect(parseFlags({ args: ['--fixtures', 'a', '-h'], options }).values).toEqual({ fixtures: 'a', help: true });
  });
});

describe('every command', () => {
  it.each([
    ['generate', '--engin', '--engine'],
    ['compare', '--fixture', '--fixtures'],
    ['record', '--worklaod', '--workload'],
    ['gate', '--baselin', '--baseline'],
    ['staging-job', '--summary', '--summary-json'],
    ['fake-provider', '--prot', '--port'],
  ])('dd-models %s %s: did you mean %s?', async (command, typo, meant) => {
    const result = await runDdModels([command, typo, 'x']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`unknown flag ${typo}: did you mean ${meant}? (flags: `);
  });

  it.each([
    ['compare', '--fixture', '--fixtures'],
    ['record', '--confg', '--config'],
    ['gate', '--candiate', '--candidate'],
    ['staging-job', '--call', '--calls'],
    ['fake-provider', '--latency', '--latency-ms'],
    ['bench', '--mod', '--mode'],
    ['soak', '--call', '--calls'],
    ['conformance', '--run', '--runs'],
    ['consolidation-check', '--rehears', '--rehearse'],
    ['deps-report', '--jsn', '--json'],
    ['profile-v2-calls', '--provder', '--provider'],
  ])('npm run %s -- %s: did you mean %s?', async (script, typo, meant) => {
    const result = await runScript(script, [typo, 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown flag ${typo}: did you mean ${meant}? (flags: `);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
