// The legacy engine's registration: its name and how to load it. The only file outside
// src/models-legacy/ that names the legacy engine's code; phase 4 (MIGRATION.md) deletes this file
// with the folder, and src/engine.ts then refuses 'legacy' on its own.
export const legacyEngine = { name: 'legacy', load: () => import('../models-legacy/index.ts') } as const;
