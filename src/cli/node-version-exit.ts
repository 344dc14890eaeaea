// Imported first by src/cli/dd-models.ts: on a Node.js older than package.json's "engines" every
// command exits 2 with one line naming the version needed and found (no stack), before any other
// module is evaluated.
import { nodeVersionProblem } from '../core/node-version.ts';

const problem = nodeVersionProblem();
if (problem !== undefined) {
  process.stderr.write(`dd-models: ${problem}\n`);
  process.exit(2);
}
