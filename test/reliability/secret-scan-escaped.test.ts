// Secret scan with ESCAPED echoes (issue 25, item 1 and "redaction by construction"): a provider
// echoes every credential the client sent JSON-escaped (`\uXXXX` for every character, or `\/`
// and `\u002d`), base64 / base64url and URL-encoded, in the answer's body and in response headers
// (support/escaped-echo-server.ts). Both engines × three providers (Bedrock with an API key and
// with SigV4) × shadow off / on (on the worker thread, and on the main thread with the shadow's
// answers made to differ so every call is written as a fixture) — and nothing planted may show,
// in any of those forms, on any output channel: errors (message, String, JSON, util.inspect,
// cause chains), logs at debug level, spans with content capture on, shadow fixtures (notes
// included), the shadow summary and the run summary. The scan decodes what it reads
// (support/planted-credentials.ts), and checks first that it catches each form.
import { Buffer } from 'node:buffer';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import type { EngineName } from '../../src/core/model-client.ts';
import type { ClientFactory } from '../../src/config/client-factory.ts';
import { DataDesignerError } from '../../src/core/errors.ts';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { runScript } from '../harness/support/run-script.ts';
import { OtelSdk } from '../observability/otel-sdk.ts';
import { encodedForms, type EscapedEchoServer, startEscapedEchoServer } from './support/escaped-echo-server.ts';
import { base64Decodings, CANARY, leakedIn, PLANTED, unescaped } from './support/planted-credentials.ts';
import { errorRenderings, leaks, objectRenderings } from './support/renderings.ts';
import { AWS_ENV, CALL_HEADERS, SCAN_ENV, TARGETS, scanConfig } from './support/scan-config.ts';

const NO_SLEEP = { sleep: async () => {} };

/** Whether an encoded echo of the canary reached `text` (and was read back by the scan). */
function canaryReached(text: string): boolean {
  const plain = unescaped(text);
  return plain.includes(CANARY) || base64Decodings(plain).some((decoded) => decoded.includes(CANARY));
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The shadow's answer differs from the primary's (its text gets a suffix): every successful call is out of parity. */
function differingShadow(_engine: EngineName, factory: ClientFactory): ClientFactory {
  return async (args) => {
    const inner = await factory(args);
    return {
      engine: inner.engine,
      providerType: inner.providerType,
      providerName: inner.providerName,
      modelAlias: inner.modelAlias,
      chat: async (request, options) => {
        const response = await inner.chat(request, options);
        const choices = response.choices.map((c) => ({ ...c, message: { ...c.message, content: `${c.message.content} [shadow]` } }));
        return { ...response, choices };
      },
      embed: (request, options) => inner.embed(request, options),
      close: () => inner.close(),
    };
  };
}

describe('the scan catches every encoded form (self-check)', () => {
  const cases = Object.entries(PLANTED).flatMap(([slot, value]) => [
    ...Object.entries(encodedForms(value)).map(([form, text]) => [slot, form, text] as const),
    [slot, 'base64 after a scheme', Buffer.from(`Bearer ${value}`).toString('base64')] as const,
    [slot, 'base64 in a JSON string with \\/', JSON.stringify(Buffer.from(`x:${value}`).toString('base64')).replace(/\//g, '\\/')] as const,
  ]);
  it.each(cases)('%s as %s', (slot, _form, text) => {
    expect(leakedIn(`{"message":"echo ${text} end"}`)).toContain(slot);
  });
  it('and not what the redactor leaves', () => {
    expect(leakedIn('{"message":"echo *** | *** | *** end", "x-echo": "***"}')).toEqual([]);
  });
});

type ShadowMode = 'off' | 'worker' | 'main, answers differ';
const MODES: ShadowMode[] = ENGINES.length > 1 ? ['off', 'worker', 'main, answers differ'] : ['off'];

let server: EscapedEchoServer;
let dir: string;
const savedEnv: Record<string, string | undefined> = {};
beforeAll(async () => {
  server = await startEscapedEchoServer();
  dir = await mkdtemp(join(tmpdir(), 'dd-escaped-scan-'));
  // The AWS default credential chain reads the process environment, nothing else.
  for (const [name, value] of Object.entries({ ...AWS_ENV, AWS_PROFILE: undefined })) {
    savedEnv[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(ENGINES)('escaped echoes, %s engine', (engine) => {
  describe.each(MODES)('shadow %s', (mode) => {
    const logs: string[] = [];
    const shown: Record<string, string> = {};
    const sdk = new OtelSdk();
    let registry: ModelRegistry;
    let fixtures: string;
    beforeAll(() => {
      fixtures = join(dir, `${engine}-${mode.replace(/\W+/g, '-')}`);
      const logger: Logger = {
        debug: (m) => logs.push(`debug ${m}`),
        info: (m) => logs.push(`info ${m}`),
        warn: (m) => logs.push(`warn ${m}`),
      };
      const shadow =
        mode === 'off'
          ? undefined
          : mode === 'worker'
            ? { sampleRate: 1, maxCpuShare: 1, fixturesDir: fixtures, thread: 'worker' as const }
            : { sampleRate: 1, maxCpuShare: 1, fixturesDir: fixtures, wrapShadowFactory: differingShadow };
      registry = createModelRegistry(scanConfig(server.url), {
        engine,
        env: SCAN_ENV,
        runtime: NO_SLEEP,
        logger,
        observability: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, captureContent: true },
        ...(shadow ? { shadow } : {}),
      });
    });
    afterAll(() => registry.close());

    it.each(TARGETS)('%s: an answer echoing every credential encoded, then an auth error doing the same', async (target) => {
      server.scenario = 'success';
      const before = server.requests;
      const answer = await registry.getModel(target).generate('Hi', { extra_headers: CALL_HEADERS });
      expect(server.requests).toBe(before + 1);
      // What the caller asked for is the caller's: the echo came back (decoded) in the answer.
      expect(JSON.stringify(answer)).toContain(CANARY);
      server.scenario = 'auth-error';
      const error = await failureOf(registry.getModel(target).generate('Hi', { extra_headers: CALL_HEADERS }));
      expect(error).toBeInstanceOf(DataDesignerError);
      for (const [name, text] of Object.entries(errorRenderings(error))) shown[`${target} error ${name}`] = text;
    });

    it('no output channel holds a planted value in any form', async () => {
      await registry.shadowIdle();
      const spans = JSON.stringify(
        sdk.finishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      );
      expect(canaryReached(spans)).toBe(true);
      Object.assign(shown, { spans, logs: logs.join('\n') });
      Object.assign(shown, objectRenderings('run summary', registry.runSummary()));
      if (mode !== 'off') {
        const summary = registry.shadowSummary();
        Object.assign(shown, objectRenderings('shadow summary', summary));
        const compared = summary.reduce((n, e) => n + e.compared, 0);
        expect(summary.reduce((n, e) => n + e.failed, 0)).toBe(0);
        expect(compared).toBe(TARGETS.length * 2);
        const files = await filesUnder(fixtures);
        if (mode === 'worker') {
          // Raw bodies and decoded values are redacted alike: the echoes compare in parity.
          expect(summary.reduce((n, e) => n + e.inParity, 0)).toBe(compared);
          expect(files).toEqual([]);
        } else {
          // Every successful call is out of parity and written, its answer in the notes.
          expect(files).toHaveLength(TARGETS.length);
          for (const file of files) {
            const text = await readFile(file, 'utf8');
            const notes = JSON.parse(text).notes as string;
            expect(notes).toMatch(/\[shadow\]/);
            shown[`fixture ${file.slice(fixtures.length + 1)}`] = text;
            shown[`notes ${file.slice(fixtures.length + 1)}`] = notes;
          }
          // Shadow mode keeps no configured header value (the canary is one), so the echo of an
          // ordinary request header shows that the encoded echoes reached the fixtures.
          const written = Object.keys(shown)
            .filter((k) => k.startsWith('fixture'))
            .map((k) => shown[k])
            .join('\n');
          expect(base64Decodings(unescaped(written)).some((decoded) => decoded.includes('application/json'))).toBe(true);
        }
      }
      expect(leaks(shown)).toEqual({});
    });
  });
});

describe('escaped echoes, the recorder', () => {
  it('record writes fixtures holding no planted value in any form', async () => {
    const work = join(dir, 'record');
    const out = join(work, 'recorded');
    await writeFile(join(dir, 'record-config.json'), JSON.stringify(scanConfig(server.url)));
    const request = { messages: [{ role: 'user', content: 'Hi' }], extra_headers: CALL_HEADERS };
    const workload = TARGETS.map((alias) => ({ name: `escaped-${alias}`, alias, request }));
    await writeFile(join(dir, 'record-workload.json'), JSON.stringify(workload));
    server.scenario = 'success';
    const args = ['--config', join(dir, 'record-config.json'), '--workload', join(dir, 'record-workload.json'), '--out', out];
    const result = await runScript('record', args, { env: { ...SCAN_ENV, ...AWS_ENV, DD_LOG_LEVEL: 'debug' } });
    const files = await filesUnder(out);
    expect(files).toHaveLength(TARGETS.length);
    const shown: Record<string, string> = { stdout: result.stdout, stderr: result.stderr };
    for (const file of files) shown[file] = await readFile(file, 'utf8');
    // The encoded echo of an ordinary header reached the recorded bodies.
    expect(base64Decodings(unescaped(Object.values(shown).join('\n'))).some((decoded) => decoded.includes('application/json'))).toBe(true);
    expect(leaks(shown)).toEqual({});
  }, 60_000);
});
