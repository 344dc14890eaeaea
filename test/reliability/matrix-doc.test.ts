// docs/reliability.md shows the fault matrix the suite asserts, not a hand-edited copy of it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/support/run-script.ts';
import { renderMatrixTable } from './support/render-matrix-table.ts';

describe('docs/reliability.md', () => {
  it('holds the fault matrix table exactly as rendered from the test cases', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'reliability.md'), 'utf8');
    expect(doc).toContain(renderMatrixTable());
  });
});
