// The v2 engine's registration: its name and how to load it (on first use, so importing the
// library loads no SDK).
export const v2Engine = { name: 'v2', load: () => import('../models-v2/index.ts') } as const;
