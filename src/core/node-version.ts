// The Node.js the package runs on (package.json "engines": >=22.19.0). Older Node installs with an
// EBADENGINE warning only, then fails deep inside undici at the first call; this check names the
// version needed and found instead, in one line, before anything else is loaded.
// No imports: it must run on any Node, before any module that could fail there.

/** package.json "engines.node" floor (test/supply-chain/node-version.test.ts keeps them equal). */
export const REQUIRED_NODE_VERSION = '22.19.0';

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** One line naming the version needed and found, or undefined when `found` is new enough. */
export function nodeVersionProblem(found: string = process.versions.node): string | undefined {
  const have = parts(found);
  const need = parts(REQUIRED_NODE_VERSION);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) > need[i]) return undefined;
    if ((have[i] ?? 0) < need[i]) {
      return `data-designer-models needs Node.js >= ${REQUIRED_NODE_VERSION}, found ${found.replace(/^v/, '')} (${process.execPath}): run it with Node.js 22.19 or newer`;
    }
  }
  return undefined;
}
