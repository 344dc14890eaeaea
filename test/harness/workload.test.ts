// A workload is hand-written YAML: each mistake must come back as one line naming the field.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { parseWorkload } from '../../src/testing/record/workload.ts';

const config = parseConfig({
  providers: [{ name: 'p', endpoint: 'http://127.0.0.1:1/v1', providerType: 'openai' }],
  models: [{ alias: 'chat', model: 'gpt-4.1-mini', provider: 'p' }],
});

function problem(raw: unknown): string {
  try {
    parseWorkload(raw, config, 'w.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the workload to be rejected');
}

describe('workload errors', () => {
  it('a misspelt key names the key, the call and the keys allowed', () => {
    expect(problem([{ name: 'x', alas: 'chat' }])).toBe('w.yaml: [0]: unknown key "alas" (allowed: name, alias, request)');
    expect(problem({ calls: [{ alias: 'chat' }, { alias: 'chat', reqest: {} }] })).toBe(
      'w.yaml: calls[1]: unknown key "reqest" (allowed: name, alias, request)',
    );
  });

  it('a missing alias is named as missing', () => {
    expect(problem([{ name: 'x' }])).toBe('w.yaml: [0].alias: missing (a model alias of the config)');
  });

  it('a document that is neither a list nor {calls} says what a workload is', () => {
    expect(problem('hello')).toBe('w.yaml: a workload is a list of calls, or {calls: [...]}; each call is {name?, alias, request?}');
    expect(problem({ cals: [] })).toBe('w.yaml: unknown key "cals" (allowed: calls)');
  });
});
