// The Node.js floor (issue 29 item 1): one line naming the version needed and found, and the
// same floor as package.json "engines" (npm's EBADENGINE warning and our refusal agree).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, REQUIRED_NODE_VERSION } from '../../src/core/node-version.ts';
import { engineFloor, formatVersion } from '../../src/testing/supply-chain/node-engine-floor.ts';
import { REPO_ROOT } from '../harness/support/run-script.ts';

describe('the Node.js version check', () => {
  it('is the floor of package.json "engines.node"', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(formatVersion(engineFloor(pkg.engines.node)!)).toBe(REQUIRED_NODE_VERSION);
  });

  it.each(['20.20.2', 'v20.20.2', '22.18.9', '22.12.0', '18.0.0'])('refuses %s in one line naming both versions', (found) => {
    const problem = nodeVersionProblem(found);
    expect(problem).toContain(`needs Node.js >= ${REQUIRED_NODE_VERSION}`);
    expect(problem).toContain(`found ${found.replace(/^v/, '')}`);
    expect(problem).not.toContain('\n');
  });

  it.each(['22.19.0', '22.20.1', '23.0.0', '24.21.0', '30.1.2'])('accepts %s', (found) => {
    expect(nodeVersionProblem(found)).toBeUndefined();
  });
});
