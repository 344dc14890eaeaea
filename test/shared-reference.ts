// Where the shared reference material lives (../shared beside the clone: the wire corpus and the
// providers' API definitions), and which suites cannot run without it. Read in place, never copied.
// Imported by vitest.config.ts, so node built-ins only.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const SHARED_DIR = resolve(REPO_ROOT, '../shared');
export const WIRE_CORPUS_DIR = resolve(SHARED_DIR, 'wire-corpus');
export const API_SPECS_DIR = resolve(SHARED_DIR, 'api-specs');

/** Set by .ci/run: there ../shared is always present, so a missing one must fail the run. */
export const REQUIRE_SHARED_ENV = 'DD_REQUIRE_SHARED';

/** Every suite that reads ../shared (directly or through a helper), relative to the repo root. */
export const SHARED_BACKED_SUITES: readonly string[] = [
  'test/conformance/generated-oracle.test.ts',
  'test/conformance/generated-requests.test.ts',
  'test/conformance/generated-rig.test.ts',
  'test/conformance/requests.test.ts',
  'test/conformance/responses.test.ts',
  'test/conformance/validator-self-check.test.ts',
  'test/contract/wire-corpus.test.ts',
  'test/harness/fake-provider-limits.test.ts',
  'test/legacy/anthropic-bedrock-end-to-end.test.ts',
  'test/legacy/anthropic-translation.test.ts',
  'test/legacy/bedrock-translation.test.ts',
  'test/legacy/classify-http-error.test.ts',
  'test/legacy/openai-translation.test.ts',
  'test/reliability/bounds.test.ts',
  'test/reliability/headers-and-urls.test.ts',
  'test/reliability/secret-scan-escaped.test.ts',
  'test/reliability/secret-scan.test.ts',
  'test/v2/bedrock-undici-handler.test.ts',
  'test/v2/wire-corpus.test.ts',
];

/** Suites that run without ../shared but leave out their corpus half. */
export const PARTLY_SHARED_SUITES: readonly string[] = [
  'test/contract/parity.test.ts (its wire-corpus half)',
  'test/docs/runnable-docs.test.ts (the doc blocks that replay ../shared/wire-corpus)',
];

export interface SharedPlan {
  /** Suites vitest must leave out. */
  exclude: string[];
  /** What to tell the developer, when something is left out. */
  notice?: string;
}

/**
 * With ../shared present every suite runs. Without it the shared-backed suites are left out and
 * said to be NOT RUN — unless the run requires them (CI), where a missing ../shared is an error.
 */
export function planSharedSuites(present: boolean, required: boolean): SharedPlan {
  if (present) return { exclude: [] };
  if (required) {
    throw new Error(
      `${SHARED_DIR} (wire-corpus, api-specs) is missing, and ${REQUIRE_SHARED_ENV}=1 requires the ${SHARED_BACKED_SUITES.length} corpus- and spec-backed suites: clone the repo beside shared/`,
    );
  }
  const notice = [
    `NOT RUN: ${SHARED_BACKED_SUITES.length} corpus- and spec-backed suites, because ${SHARED_DIR} is missing`,
    '(clone the repo beside shared/, as CI does, to run them):',
    ...SHARED_BACKED_SUITES.map((suite) => `  - ${suite}`),
    'and in part:',
    ...PARTLY_SHARED_SUITES.map((suite) => `  - ${suite}`),
  ].join('\n');
  return { exclude: [...SHARED_BACKED_SUITES], notice };
}

export function sharedPresent(): boolean {
  return existsSync(WIRE_CORPUS_DIR) && existsSync(API_SPECS_DIR);
}
