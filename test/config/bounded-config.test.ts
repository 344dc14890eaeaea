// Issue 25, items 2, 7 and 8 (config side): a config file's syntax error never quotes the file
// (a key near the error stays out of the message, the cause and util.inspect); the reader has a
// size cap, takes linear time on many keys and keeps its error short; a FIFO, a device or a
// directory given as the config is refused at once, by the API and by `dd-models config check`.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJsonSyntaxError, parseYamlText } from '../../src/config/config-syntax.ts';
import { loadConfigFile, parseConfigText } from '../../src/config/load-config.ts';
import { FILE_LIMITS } from '../../src/config/read-bounded-file.ts';
import { ConfigError } from '../../src/core/errors.ts';

const require = createRequire(import.meta.url);

// A key with no sk-/Bearer shape: only "never quote the file" keeps it out of an error.
const KEY = 'Zq9xPlainKeyValue77aa';

const MINIMAL = [
  'providers:',
  '  - { name: p, endpoint: "http://127.0.0.1:9/v1", providerType: openai }',
  'models:',
  '  - { alias: m, model: x, provider: p }',
  '',
].join('\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-bounded-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function everything(error: unknown): string {
  const parts = [inspect(error, { depth: 10 })];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    parts.push(String(e.message), inspect(e, { depth: 10 }));
  }
  return parts.join('\n');
}

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('item 2: a syntax error names line and column, never the source text', () => {
  const yamlCases: [string, string, RegExp][] = [
    ['a tab used as indentation', `providers:\n  - name: p\n\tapiKey: ${KEY}\n`, /line 3, column 1: a tab is used for indentation/],
    ['an unclosed quote', `providers:\n  - name: "p\n    apiKey: ${KEY}\n`, /line \d+, column \d+: a closing character is missing/],
    [
      'a duplicate key',
      `providers:\n  - name: p\n    apiKey: ${KEY}\n    apiKey: ${KEY}\n`,
      /line 4, column 5: a key appears twice .*first at line 3, column 5/,
    ],
    ['a key over two lines', `providers:\n  - name: p\n    apiKey ${KEY}\n    endpoint: x\n`, /line \d+, column \d+: /],
    ['an unresolved alias', `providers:\n  - name: p\n    apiKey: *${KEY}\n`, /refers to an anchor that is not defined before it/],
  ];
  it.each(yamlCases)('YAML, %s', (_name, text, wording) => {
    const error = thrown(() => parseConfigText(text, 'models.yaml'));
    expect(error.message).toMatch(/^Could not parse models\.yaml as YAML: /);
    expect(error.message).toMatch(wording);
    expect(error.cause).toBeUndefined();
    expect(everything(error)).not.toContain(KEY);
    expect(everything(error)).not.toContain('Zq9x');
  });

  const jsonCases: [string, string, string][] = [
    ['an unquoted value', `{"providers": [{"name": "p",\n  "apiKey": ${KEY}}]}`, 'line 2, column 13: expected a value here'],
    ['a missing comma', `{"providers": [{"name": "p"\n  "apiKey": "${KEY}"}]}`, "line 2, column 3: expected ',' or '}' after a property"],
    ['a trailing comma', `{"providers": [{"apiKey": "${KEY}",}]}`, 'line 1, column 51: expected a property name in double quotes'],
    ['a raw line break in a string', `{"providers": [{"apiKey": "${KEY}\n"}]}`, 'line 1, column 49: a string holds a raw control'],
    ['an unclosed string', `{"providers": [{"apiKey": "${KEY}`, 'line 1, column 27: a string is never closed'],
    ['text after the value', `{"providers": []} ${KEY}`, 'line 1, column 19: unexpected text after the JSON value'],
  ];
  it.each(jsonCases)('JSON, %s', (_name, text, wording) => {
    const error = thrown(() => parseConfigText(text, 'models.json'));
    expect(error.message).toContain(`Could not parse models.json as JSON: ${wording}`);
    expect(error.cause).toBeUndefined();
    expect(everything(error)).not.toContain('Zq9x');
  });

  it('the same holds when the file is loaded from disk', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, `providers:\n  - name: p\n    apiKey: ${KEY}\n    apiKey: other\n`);
    const error = await rejection(loadConfigFile(file));
    expect(error.message).toContain(`Could not parse ${file} as YAML: line 4, column 5`);
    expect(everything(error)).not.toContain('Zq9x');
  });
});

describe('item 7: size cap, linear-time keys, bounded message', () => {
  it('a 50 MB config is refused in under a second, naming the cap and the size', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, '# padding\n'.repeat(5 * 1024 * 1024));
    const started = performance.now();
    const error = await rejection(loadConfigFile(file));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(error.message).toContain(`is ${50 * 1024 * 1024} bytes; a config file may be at most 262144 bytes (256 KiB)`);
    expect(error.message.length).toBeLessThan(400);
  });

  it('a 1 MB file of 66k keys is refused by size at once, where it used to be parsed for 36 s', async () => {
    const file = join(dir, 'keys-66k.yaml');
    await writeFile(file, Array.from({ length: 66_000 }, (_, i) => `key${String(i).padStart(9, '0')}: 1\n`).join(''));
    const started = performance.now();
    const error = await rejection(loadConfigFile(file));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.message).toMatch(/is 1056000 bytes; a config file may be at most 262144 bytes/);
  });

  it('a config just under the cap with 18k keys and a duplicate at the end is judged in linear time', async () => {
    const keys = Array.from({ length: 18_000 }, (_, i) => `k${String(i).padStart(9, '0')}: 1\n`);
    const text = `${keys.join('')}k000000007: 2\n`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(FILE_LIMITS.config.maxBytes);
    const file = join(dir, 'keys-18k.yaml');
    await writeFile(file, text);
    const started = performance.now();
    const error = await rejection(loadConfigFile(file));
    // The parser's own check compared every key with every earlier one: 8–15 s here (0.3–1.3 s now,
    // depending on load); the bound leaves room for a busy machine.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.message).toContain('line 18001, column 1: a key appears twice in the same mapping (first at line 8, column 1)');
  });

  it('18k unknown keys give a short error: the first keys listed, the rest counted', async () => {
    const file = join(dir, 'unknown-18k.yaml');
    await writeFile(file, Array.from({ length: 18_000 }, (_, i) => `k${String(i).padStart(9, '0')}: 1\n`).join(''));
    const error = await rejection(loadConfigFile(file));
    expect(error.message).toContain('unknown keys "k000000000", "k000000001"');
    expect(error.message).toContain('"k000000009" and 17990 more (allowed: providers, models, tools, mcpServers, admission)');
    expect(error.message.length).toBeLessThan(2000);
  });

  it('a 100 KB key name is clipped in the message', () => {
    const long = 'x'.repeat(100_000);
    const error = thrown(() => parseConfigText(JSON.stringify({ providers: [], models: [], [long]: 1 }), 'c.json'));
    expect(error.message).toContain(`unknown key "${'x'.repeat(80)}…"`);
    expect(error.message.length).toBeLessThan(1000);
  });

  it('brackets nested 100k deep are refused before the parser recurses into them', () => {
    const started = performance.now();
    const error = thrown(() => parseConfigText(`providers: ${'['.repeat(100_000)}`, 'c.yaml'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.message).toContain('line 1, column 1012: brackets are nested more than 1000 deep');
  });
});

describe('item 8: only a regular file is read as a config', () => {
  it('a FIFO with no writer is refused at once (it used to block forever)', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const error = await rejection(loadConfigFile(fifo));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.message).toBe(`Config file ${fifo} is a FIFO (named pipe), not a regular file; a config file must be a regular file.`);
  });

  it('a character device and a directory are refused; a symlink to a regular file is followed', async () => {
    const device = await rejection(loadConfigFile('/dev/zero'));
    expect(device.message).toContain('Config file /dev/zero is a character device, not a regular file');
    expect((await rejection(loadConfigFile(dir))).message).toContain(`Config file ${dir} is a directory, not a regular file`);
    const target = join(dir, 'real.yaml');
    await writeFile(target, MINIMAL);
    await symlink(target, join(dir, 'link.yaml'));
    await expect(loadConfigFile(join(dir, 'link.yaml'))).resolves.toMatchObject({ models: [{ alias: 'm' }] });
    await symlink('/dev/zero', join(dir, 'zero.yaml'));
    expect((await rejection(loadConfigFile(join(dir, 'zero.yaml')))).message).toContain('is a character device');
  });

  it('a missing file keeps its errno wording', async () => {
    const missing = join(dir, 'nope.yaml');
    expect((await rejection(loadConfigFile(missing))).message).toBe(`Could not read config file ${missing}: ENOENT.`);
  });

  it('dd-models config check on a FIFO exits 2 at once with the reason, no stack trace', async () => {
    const fifo = join(dir, 'check-pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const options = { env: { PATH: process.env.PATH ?? '' }, timeout: 15_000 };
      execFile(process.execPath, ['src/cli/dd-models.ts', 'config', 'check', fifo], options, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      `dd-models: ConfigError: Config file ${fifo} is a FIFO (named pipe), not a regular file; a config file must be a regular file.`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the syntax checks agree with the parsers', () => {
  const parses = (text: string): boolean => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };

  // Valid JSON with a few characters inserted or removed somewhere: the scan finds an error
  // exactly when JSON.parse throws, so every JSON error gets a location and no valid text is refused.
  test.prop([fc.json(), fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3, unit: 'binary' })])(
    'findJsonSyntaxError finds an error exactly when JSON.parse throws',
    (json, at, remove, insert) => {
      const cut = at % (json.length + 1);
      const text = json.slice(0, cut) + insert + json.slice(cut + remove);
      const found = findJsonSyntaxError(text);
      expect(found === undefined).toBe(parses(text));
      if (found) expect(found.offset).toBeLessThanOrEqual(text.length);
    },
  );

  // Short texts over JSON's own alphabet reach every state of the scan (escapes, numbers, literals).
  const JSON_ALPHABET = [...'{}[]:,"\\u01-.etrnfals ', '\n'];
  test.prop([fc.string({ maxLength: 12, unit: fc.constantFrom(...JSON_ALPHABET) })], { numRuns: 2000 })(
    'findJsonSyntaxError agrees with JSON.parse on texts over the JSON alphabet',
    (text) => {
      expect(findJsonSyntaxError(text) === undefined).toBe(parses(text));
    },
  );

  // Our one-pass duplicate check reports a duplicate exactly when the parser's own check does.
  const KEYS = ['a', 'b', 'c', '1', '"1"', "'a'", 'true', '~', 'x y'];
  test.prop([fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 6 }), fc.boolean()])(
    "duplicate keys are found exactly where the parser's own (quadratic) check finds them",
    (keys, flow) => {
      const text = flow ? `{${keys.map((k, i) => `${k}: ${i}`).join(', ')}}` : keys.map((k, i) => `${k}: ${i}`).join('\n');
      const yaml = require('yaml') as typeof import('yaml');
      const theirs = yaml.parseDocument(text).errors.some((e) => e.code === 'DUPLICATE_KEY');
      let ours = false;
      try {
        parseYamlText(text);
      } catch (error) {
        ours = /a key appears twice/.test((error as Error).message);
      }
      expect(ours).toBe(theirs);
    },
  );
});
