// The one list of engines that every parametrised test suite and every harness CLI runs over.
// Phase 4 (MIGRATION.md) narrows it to ['v2'] by editing this one line — `npm run
// consolidation-check -- --rehearse` rewrites exactly this line in its copy of the repo.
import type { EngineName } from '../core/model-client.ts';

export const ENGINES: readonly EngineName[] = ['legacy', 'v2'];
