import { defineConfig } from 'vitest/config';
import { planSharedSuites, REQUIRE_SHARED_ENV, sharedPresent } from './test/shared-reference.ts';

// Without ../shared the corpus- and spec-backed suites are left out and listed as NOT RUN;
// .ci/run sets DD_REQUIRE_SHARED=1, where a missing ../shared fails the run instead.
const shared = planSharedSuites(sharedPresent(), process.env[REQUIRE_SHARED_ENV] === '1');
if (shared.notice) console.warn(shared.notice);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...shared.exclude],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
