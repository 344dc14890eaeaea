// The HTML report test requires Chromium and never installs it (issue 12, item 12): the lookup
// finds it on PATH or DD_CHROMIUM_PATH and otherwise fails naming the fix.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/testing/engines.ts';
import { requireChromium } from './support/find-chromium.ts';

let dir: string;
let fakeBrowser: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-chromium-'));
  fakeBrowser = join(dir, 'chromium');
  await writeFile(fakeBrowser, '#!/bin/sh\n');
  await chmod(fakeBrowser, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('requireChromium', () => {
  it('finds `chromium` on PATH', () => {
    expect(requireChromium({ PATH: `/nonexistent:${dir}` })).toBe(fakeBrowser);
  });

  it('prefers DD_CHROMIUM_PATH and refuses one that is not executable', () => {
    expect(requireChromium({ PATH: '', DD_CHROMIUM_PATH: fakeBrowser })).toBe(fakeBrowser);
    expect(() => requireChromium({ PATH: dir, DD_CHROMIUM_PATH: join(dir, 'missing') })).toThrow(
      /DD_CHROMIUM_PATH=.*missing is not an executable/,
    );
  });

  it('fails naming the install command when there is none', () => {
    expect(() => requireChromium({ PATH: '/nonexistent' })).toThrow(/apt-get install -y chromium/);
  });

  // The HTML report test is compare's, and retires with legacy (phase 4): so does this check.
  it.runIf(ENGINES.includes('legacy'))('is what the HTML report test uses, and no test installs packages', () => {
    const source = readFileSync(join(import.meta.dirname, 'html-report.test.ts'), 'utf8');
    expect(source).toContain('requireChromium()');
    expect(source).not.toMatch(/apt-get|apt install/);
  });
});
