// issue 29 item 5: text that said one thing while the code or another doc said another. Each fact
// is stated from its source (a constant) or checked against the other places that state it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHADOW_MAX_CPU } from '../../src/shadow/shadow-config.ts';
import { runScript } from '../harness/support/run-script.ts';

const read = (file: string) => readFileSync(file, 'utf8').replace(/\s+/g, ' ');

describe('stale or colliding text', () => {
  it("bench --help's shadow --max-cpu default is shadow mode's own default", async () => {
    const help = await runScript('bench', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`(default: shadow mode's, ${DEFAULT_SHADOW_MAX_CPU})`);
  });

  it('the capacity bench takes the same time in its help, MIGRATION.md and docs/benchmarks.md', async () => {
    const help = (await runScript('bench', ['--help'])).stdout.replace(/\s+/g, ' ');
    const minutes = (text: string, where: string) => {
      const found = [...text.matchAll(/--mode capacity[\s\S]{0,300}?about (\d+) minutes/g)].map((m) => m[1]);
      expect(found.length, `${where} states how long the capacity bench takes`).toBeGreaterThan(0);
      return new Set(found);
    };
    const stated = [
      minutes(help, 'bench --help'),
      minutes(read('MIGRATION.md'), 'MIGRATION.md'),
      minutes(read('docs/benchmarks.md'), 'benchmarks.md'),
    ];
    expect(new Set(stated.flatMap((set) => [...set])).size).toBe(1);
  });

  it('README states no count of bundled cases (compare prints it; a number in prose goes stale)', () => {
    const counted = read('README.md').match(/\d[\d,]* bundled (cases|fixtures)/);
    expect(counted?.[0]).toBeUndefined();
  });
});
