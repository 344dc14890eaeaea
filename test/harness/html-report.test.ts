// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// The `--html` report must open in a real browser as one self-contained file. It is loaded in
// headless Chromium (required: .ci/run installs Debian's `chromium` when it is missing; the test
// installs nothing) and the DOM Chromium built is then queried with linkedom.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
let passingJson: any;

async function load(file: string): Promise<Document> {
  const { stdout } = await run(chromium, [...CHROMIUM_FLAGS, '--dump-dom', pathToFileURL(file).href], {
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseHTML(stdout).document as unknown as Document;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-html-'));
  chromium = requireChromium();
  const passing = join(dir, 'passing.html');
  const failing = join(dir, 'failing.html');
  const json = join(dir, 'passing.json');
  expect((await runScript('compare', ['--fixtures', 'test/harness/recorded', '--html', passing, '--json', json])).code).toBe(0);
  passingJson = JSON.parse(await readFile(json, 'utf8'));
  const planted = await runScript('compare', ['--fixtures', 'test/harness/recorded', '--filter', 'openai', '--html', failing], {
    env: { DD_COMPARE_TEST_HOOK: 'test/harness/support/plant-difference.ts' },
  });
  expect(planted.code).toBe(1);
  for (const [key, file] of [
    ['passing', passing],
    ['failing', failing],
  ] as const) {
    reports[key] = { file, raw: await readFile(file, 'utf8'), document: await load(file) };
  }
}, 900_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs in the laid-out page: for every table cell (JSON values in <pre> aside), any two adjacent
 * letters of one text node that land on different lines are a mid-word break. Breaks after / and -
 * and at <wbr> (a text node boundary) are allowed.
 */
const MIDWORD_PROBE = `(() => {
  const bad = [];
  const cells = document.querySelectorAll('th, td');
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('pre')) continue;
      const t = node.textContent;
      let previous;
      for (let i = 0; i < t.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) { previous = undefined; continue; }
        if (previous !== undefined && rect.top > previous + 2 && /\\S/.test(t[i - 1]) && /\\S/.test(t[i]) && !/[-\\/]/.test(t[i - 1])) {
          bad.push(t.slice(Math.max(0, i - 12), i) + '|' + t.slice(i, i + 12));
        }
        previous = rect.top;
      }
    }
  }
  document.body.setAttribute('data-midword', JSON.stringify(bad));
  document.body.setAttribute('data-cells', String(cells.length));
})();`;

/**
 * Runs in the laid-out page: how wide the all-cases table is against the page (the window less its
 * scrollbar) and its scrolling box, and on how many lines the longest-wrapped case name sits.
 */
const WIDTH_PROBE = `(() => {
  const table = document.querySelector('#cases');
  let lines = 0;
  let name = '';
  for (const cell of table.querySelectorAll('tbody tr > td:first-child')) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const count = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    if (count > lines) { lines = count; name = cell.textContent; }
  }
  document.body.setAttribute('data-width', JSON.stringify({
    page: document.documentElement.clientWidth,
    pageScroll: document.documentElement.scrollWidth,
    tableRight: Math.ceil(table.getBoundingClientRect().right),
    box: table.parentElement.clientWidth,
    boxScroll: table.parentElement.scrollWidth,
    lines,
    name,
  }));
})();`;

const text = (element: Element | null): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('HTML compare report', () => {
  it('is self-contained: inline CSS, no scripts, no external assets', () => {
    for (const { raw } of Object.values(reports)) {
      expect(raw).toMatch(/<style>[\s\S]+<\/style>/);
      // Links only within the page (rows to their details and back).
      expect(raw).not.toMatch(/<script|<link|\bsrc=|\bhref="(?!#)|url\(|@import/i);
    }
  });

  it('shows the summary and the provider × operation parity matrix', () => {
    const { document } = reports.passing;
    expect(text(document.querySelector('title'))).toBe('Engine compare: test/harness/recorded');
    expect(text(document.querySelector('#verdict'))).toBe('PASS');
    expect(text(document.querySelector('#summary [data-key="total"]'))).toBe('10');
    expect(text(document.querySelector('#summary [data-key="parity"]'))).toBe('10 (100%)');
    expect(text(document.querySelector('#summary [data-key="mismatched"]'))).toBe('0');
    expect(text(document.querySelector('#summary [data-key="matches"]'))).toBe('10');
    expect(text(document.querySelector('#summary [data-key="parityAlone"]'))).toBe('0');
    const cell = (provider: string, operation: string) =>
      document.querySelector(`#parity-matrix td[data-provider="${provider}"][data-operation="${operation}"]`);
    // Each cell shows parity, matches and parity-alone counts.
    const counts = (provider: string, operation: string) =>
      ['.parity', '.matches', '.parity-alone', '.mismatched'].map((selector) =>
        text(cell(provider, operation)?.querySelector(selector) ?? null),
      );
    expect(counts('openai', 'chat')).toEqual(['3/3 in parity', '3 match', '0 parity alone', '']);
    expect(counts('openai', 'embedding')).toEqual(['1/1 in parity', '1 match', '0 parity alone', '']);
    expect(counts('anthropic', 'chat')).toEqual(['2/2 in parity', '2 match', '0 parity alone', '']);
    expect(cell('anthropic', 'embedding')).toBeNull();
    expect(counts('bedrock', 'embedding')).toEqual(['2/2 in parity', '2 match', '0 parity alone', '']);
    expect(text(document.querySelector('#no-mismatches'))).toBe('No mismatches: every case is in parity and matches.');
    expect(document.querySelectorAll('#cases tbody tr')).toHaveLength(10);
  });

  it('records when, on which commit and with which versions it ran, and describes a replay', () => {
    const { document } = reports.passing;
    expect(text(document.querySelector('#meta [data-key="commit"]'))).toContain(passingJson.meta.commit);
    expect(text(document.querySelector('#meta [data-key="fixtures"]'))).toBe('test/harness/recorded');
    expect(text(document.querySelector('#meta [data-key="Node"]'))).toBe(process.version);
    expect(text(document.querySelector('#meta [data-key="packages"]'))).toContain(`openai ${passingJson.meta.versions.packages.openai}`);
    expect(text(document.querySelector('#method'))).toContain('Both engines replayed the same recorded traffic');
  });

  it("shows each engine's attempts and asked-for sleeps per case", () => {
    const { document } = reports.passing;
    const rows = [...document.querySelectorAll('#cases tbody tr')];
    expect(rows).toHaveLength(passingJson.cases.length);
    passingJson.cases.forEach((c: any, i: number) => {
      const cells = [...rows[i].querySelectorAll('td')].map((td) => text(td));
      expect(cells[0]).toBe(c.name);
      expect(cells[5]).toBe(`${c.legacy.attempts}/${c.v2.attempts}`);
      const sleeps = (list: number[]) => (list.length === 0 ? '–' : list.map((ms) => Math.round(ms)).join(', '));
      expect([cells[6], cells[7]]).toEqual([sleeps(c.legacy.sleeps), sleeps(c.v2.sleeps)]);
    });
    // The recorded 429 makes both engines ask for a sleep before their second attempt.
    const retried = passingJson.cases.findIndex((c: any) => c.name === 'anthropic/anthropic-hello-after-429');
    expect(passingJson.cases[retried].legacy.sleeps.length).toBe(1);
    expect(text(rows[retried].querySelectorAll('td')[6])).not.toBe('–');
  });

  it('groups the mismatches by the paths they differ at, and links rows and details both ways', () => {
    const { document } = reports.failing;
    expect(text(document.querySelector('#verdict'))).toBe('FAIL');
    const openaiChat = document.querySelector('#parity-matrix td[data-provider="openai"][data-operation="chat"]');
    expect(openaiChat?.getAttribute('class')).toBe('cell-bad');
    expect(text(openaiChat?.querySelector('.parity') ?? null)).toBe('0/3 in parity');
    expect(text(openaiChat?.querySelector('.matches') ?? null)).toBe('0 match');
    expect(text(openaiChat?.querySelector('.mismatched') ?? null)).toBe('3 mismatched');
    // Embeddings are untouched by the planted chat difference.
    expect(text(document.querySelector('#parity-matrix td[data-provider="openai"][data-operation="embedding"] .parity'))).toBe(
      '1/1 in parity',
    );
    const groups = [...document.querySelectorAll('section.group')];
    // One section per distinct set of paths, not one per case: fewer sections than failing cases.
    const members = groups.flatMap((g) => [...g.querySelectorAll('ul.members li')].map((li) => li.getAttribute('data-case')));
    expect(members.sort()).toEqual(['openai/openai-hello', 'openai/openai-json', 'openai/openai-tool-required']);
    expect(groups.length).toBeLessThan(members.length);
    const sizes = groups.map((g) => Number(g.getAttribute('data-size')));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3);
    const biggest = groups[0];
    expect(text(biggest.querySelector('h3'))).toBe(`${sizes[0]} cases differ at the same paths`);
    expect([...biggest.querySelectorAll('ul.paths li')].map((li) => text(li))).toContain('legacy ≠ v2 at $.requests[0].body.max_tokens');
    const rows = [...biggest.querySelectorAll('table.diff tbody tr')].map((row) => [...row.querySelectorAll('td')].map((td) => text(td)));
    expect(rows).toContainEqual(['$.requests[0].body.max_tokens', '64', '65']);
    // v2's own mismatch against the recorded body is listed too.
    expect(rows).toContainEqual(['$.exchanges[0].request.body.max_tokens', '64', '65']);
    // Each member links to its row, and that row links back to the group.
    for (const group of groups) {
      for (const link of group.querySelectorAll('ul.members li a')) {
        const row = document.querySelector(link.getAttribute('href')!);
        expect(row?.tagName.toLowerCase()).toBe('tr');
        expect(row?.querySelector('td a')?.getAttribute('href')).toBe(`#${group.getAttribute('id')}`);
      }
    }
    // Passing rows have nothing to link to.
    const embedRow = [...document.querySelectorAll('#cases tbody tr')].find((row) =>
      text(row.querySelector('td')).startsWith('openai/openai-embed'),
    );
    expect(embedRow?.querySelector('a')).toBeNull();
  });

  it('never breaks a word across lines in a table column (laid out by Chromium at 640 px)', async () => {
    expect(chromium, 'this check needs Chromium (DD_CHROMIUM_PATH or /usr/bin/chromium)').toBeDefined();
    for (const { file, raw } of Object.values(reports)) {
      const probe = `${file}.probe.html`;
      await writeFile(probe, raw.replace('</body>', `<script>${MIDWORD_PROBE}</script></body>`));
      const { stdout } = await run(chromium!, [...CHROMIUM_FLAGS, '--window-size=640,900', '--dump-dom', pathToFileURL(probe).href], {
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      const body = parseHTML(stdout).document.querySelector('body')!;
      expect(Number(body.getAttribute('data-cells'))).toBeGreaterThan(20);
      expect(JSON.parse(body.getAttribute('data-midword') ?? 'null'), file).toEqual([]);
    }
  });

  it('at 1,400 px the all-cases table fits the page and no case name wraps past two lines (issue 29 item 6)', async () => {
    // The bundled fixtures: hundreds of cases, names up to ~60 characters, every error class.
    const wide = join(dir, 'wide.html');
    expect((await runScript('compare', ['--html', wide])).code).toBe(0);
    const probe = `${wide}.probe.html`;
    await writeFile(probe, (await readFile(wide, 'utf8')).replace('</body>', `<script>${WIDTH_PROBE}</script></body>`));
    const { stdout } = await run(chromium, [...CHROMIUM_FLAGS, '--window-size=1400,900', '--dump-dom', pathToFileURL(probe).href], {
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const measured = JSON.parse(parseHTML(stdout).document.querySelector('body')!.getAttribute('data-width') ?? 'null');
    expect(measured.page).toBeGreaterThan(1300);
    // Nothing scrolls sideways: not the page, not the table's own box.
    expect(measured.pageScroll, JSON.stringify(measured)).toBeLessThanOrEqual(measured.page);
    expect(measured.tableRight, JSON.stringify(measured)).toBeLessThanOrEqual(measured.page);
    expect(measured.boxScroll, JSON.stringify(measured)).toBeLessThanOrEqual(measured.box);
    expect(measured.lines, measured.name).toBeLessThanOrEqual(2);
  }, 180_000);
});
