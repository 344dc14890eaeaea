// The `--html` report must open in a real browser as one self-contained file. It is loaded in
// headless Chromium (required: .ci/run installs Debian's `chromium` when it is missing; the test
// installs nothing) and the DOM Chromium built is then queried with linkedom.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from './support/find-chromium.ts';
import { runScript } from './support/run-script.ts';

const run = promisify(execFile);
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

let dir: string;
let chromium: string;
const reports: Record<'passing' | 'failing', { file: string; raw: string; document: Document }> = {} as never;

async function load(file: string): Promise<Document> {
  const { stdout } = await run(chromium, [...CHROMIUM_FLAGS, '--dump-dom', pathToFileURL(file).href], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return parseHTML(stdout).document as unknown as Document;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-html-'));
  chromium = requireChromium();
  const passing = join(dir, 'passing.html');
  const failing = join(dir, 'failing.html');
  expect((await runScript('compare', ['--fixtures', 'test/harness/recorded', '--html', passing])).code).toBe(0);
  const planted = await runScript('compare', ['--fixtures', 'test/harness/recorded', '--filter', 'openai', '--html', failing], {
    env: { DD_COMPARE_TEST_HOOK: 'test/harness/support/plant-difference.ts' },
  });
  expect(planted.code).toBe(1);
  for (const [key, file] of [['passing', passing], ['failing', failing]] as const) {
    reports[key] = { file, raw: await readFile(file, 'utf8'), document: await load(file) };
  }
}, 900_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (element: Element | null): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('HTML compare report', () => {
  it('is self-contained: inline CSS, no scripts, no external assets', () => {
    for (const { raw } of Object.values(reports)) {
      expect(raw).toMatch(/<style>[\s\S]+<\/style>/);
      expect(raw).not.toMatch(/<script|<link|\bsrc=|\bhref=|url\(|@import/i);
    }
  });

  it('shows the summary and the provider × operation parity matrix', () => {
    const { document } = reports.passing;
    expect(text(document.querySelector('title'))).toBe('Engine compare: test/harness/recorded');
    expect(text(document.querySelector('#verdict'))).toBe('PASS');
    expect(text(document.querySelector('#summary [data-key="total"]'))).toBe('10');
    expect(text(document.querySelector('#summary [data-key="parity"]'))).toBe('10 (100%)');
    expect(text(document.querySelector('#summary [data-key="mismatched"]'))).toBe('0');
    const cell = (provider: string, operation: string) => document.querySelector(`#parity-matrix td[data-provider="${provider}"][data-operation="${operation}"]`);
    expect(text(cell('openai', 'chat'))).toBe('3/3 in parity');
    expect(text(cell('openai', 'embedding'))).toBe('1/1 in parity');
    expect(text(cell('anthropic', 'chat'))).toBe('2/2 in parity');
    expect(cell('anthropic', 'embedding')).toBeNull();
    expect(text(cell('bedrock', 'embedding'))).toBe('2/2 in parity');
    expect(document.querySelector('#no-mismatches')).not.toBeNull();
    expect(document.querySelectorAll('#cases tbody tr')).toHaveLength(10);
  });

  it('lists each mismatch with its diff table', () => {
    const { document } = reports.failing;
    expect(text(document.querySelector('#verdict'))).toBe('FAIL');
    const openaiChat = document.querySelector('#parity-matrix td[data-provider="openai"][data-operation="chat"]');
    expect(openaiChat?.getAttribute('class')).toBe('cell-bad');
    expect(text(openaiChat?.querySelector('.parity') ?? null)).toBe('0/3 in parity');
    expect(text(openaiChat?.querySelector('.mismatched') ?? null)).toBe('3 mismatched');
    // Embeddings are untouched by the planted chat difference.
    expect(text(document.querySelector('#parity-matrix td[data-provider="openai"][data-operation="embedding"]'))).toBe('1/1 in parity');
    const sections = [...document.querySelectorAll('section.case')];
    expect(sections.map((s) => s.getAttribute('data-case')).sort()).toEqual(['openai/openai-hello', 'openai/openai-json', 'openai/openai-tool-required']);
    const hello = sections.find((s) => s.getAttribute('data-case') === 'openai/openai-hello')!;
    const rows = [...hello.querySelectorAll('table.diff tbody tr')].map((row) => [...row.querySelectorAll('td')].map((td) => text(td)));
    expect(rows).toContainEqual(['$.requests[0].body.max_tokens', '64', '65']);
    // v2's own mismatch against the recorded body is listed too.
    expect(rows).toContainEqual(['$.exchanges[0].request.body.max_tokens', '64', '65']);
  });
});
