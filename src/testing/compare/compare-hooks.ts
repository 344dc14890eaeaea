// The test-only seam of the compare CLI: DD_COMPARE_TEST_HOOK names a module whose
// `wrapFactory(engine, factory)` is applied to both engines' client factories. It lets a test
// plant a translation difference in one engine and prove compare catches it, without editing
// engine source. Production runs never set it.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunHooks } from '../run-fixture.ts';
import { UsageError } from './cli-options.ts';

export const COMPARE_HOOK_ENV = 'DD_COMPARE_TEST_HOOK';

export async function loadCompareHooks(env: Record<string, string | undefined> = process.env): Promise<RunHooks> {
  const path = env[COMPARE_HOOK_ENV];
  if (!path) return {};
  let module: { wrapFactory?: unknown };
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as { wrapFactory?: unknown };
  } catch (error) {
    throw new UsageError(`${COMPARE_HOOK_ENV}=${path} could not be imported: ${(error as Error).message}`);
  }
  if (typeof module.wrapFactory !== 'function') {
    throw new UsageError(`${COMPARE_HOOK_ENV}=${path} must export a function wrapFactory(engine, factory)`);
  }
  return { wrapFactory: module.wrapFactory as RunHooks['wrapFactory'] };
}
