// Imported first by src/index.ts: importing the package on a Node.js older than package.json's
// "engines" throws here, with one line naming the version needed and found, before any other
// module of the package (or undici, or an SDK) is evaluated.
import { nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem();
if (problem !== undefined) throw new Error(problem);
