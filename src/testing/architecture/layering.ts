// The house rules of docs/architecture.md as code. Rooms are the top-level folders (and files) of
// src/ plus scripts/; floors order them. A file may import its own room and the rooms of lower
// floors, never a room on its own floor or above; the import graph has no circle; and the rules
// the consolidation plan rests on (MIGRATION.md) hold: only src/engine.ts loads the legacy engine,
// the official SDKs are imported only inside src/models-v2/, and importing the package loads none.
import type { ImportEdge, ImportGraph } from './import-graph.ts';

/** Bottom to top. Rooms on one floor never import each other. */
export const FLOORS: readonly (readonly string[])[] = [
  ['src/core'],
  ['src/config', 'src/parity'],
  ['src/models-legacy', 'src/models-v2', 'src/tools'],
  ['src/engines'],
  ['src/engine.ts'],
  ['src/shadow'],
  ['src/observability'],
  ['src/facade'],
  ['src/index.ts'],
  ['src/testing'],
  // dd-models runs the rollout's commands (src/testing/rollout-commands.ts), through import() only.
  ['src/cli'],
  ['scripts'],
];

export const SDKS = ['openai', '@anthropic-ai/sdk', '@aws-sdk/client-bedrock-runtime'];
// The benchmark's reference rows measure the bare SDKs as a user would write them by hand
// (docs/benchmarks.md "Reference rows"): harness code, never loaded by the library.
export const BARE_SDK_REFERENCES = ['src/testing/bench/reference-callers.ts', 'src/testing/bench/cold-start.ts'];

/** The room of a repo-relative path, or undefined outside src/ and scripts/ (tests, packages). */
export function roomOf(path: string): string | undefined {
  if (path.startsWith('scripts/')) return 'scripts';
  const m = path.match(/^src\/([^/]+)/);
  return m ? `src/${m[1]}` : undefined;
}

export function floorOf(room: string): number {
  return FLOORS.findIndex((floor) => floor.includes(room));
}

const where = (edge: ImportEdge) => `${edge.from}:${edge.line} imports ${edge.specifier}`;
const isSdk = (specifier: string) => SDKS.some((sdk) => specifier === sdk || specifier.startsWith(`${sdk}/`));
const inside = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

export interface RuleResult {
  name: string;
  failures: string[];
}

/** Every circle of the file graph (strongly connected components of two or more files). */
export function circles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>(graph.files.map((file) => [file, []]));
  for (const edge of graph.edges) if (next.has(edge.to)) next.get(edge.from)?.push(edge.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Files statically reachable from `start` (dynamic imports not followed). */
function staticallyReachable(graph: ImportGraph, start: string): Set<string> {
  const reached = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const edge of graph.edges) if (edge.from === file && !edge.dynamic && !edge.typeOnly) queue.push(edge.to);
  }
  return reached;
}

export function layeringRules(graph: ImportGraph): RuleResult[] {
  const sourceEdges = graph.edges.filter((edge) => roomOf(edge.from) !== undefined);
  const localEdges = sourceEdges.filter((edge) => edge.specifier.startsWith('.'));
  const rules: RuleResult[] = [];
  const unplaced = [...new Set(graph.files.map(roomOf).filter((room): room is string => room !== undefined))].filter(
    (room) => floorOf(room) < 0,
  );
  rules.push({
    name: 'every room of src/ and scripts/ has a floor (FLOORS in src/testing/architecture/layering.ts)',
    failures: unplaced.map((room) => `${room} is on no floor`),
  });
  rules.push({
    name: 'imports point down: a room imports only rooms of lower floors (and itself)',
    failures: localEdges
      .filter((edge) => {
        const from = roomOf(edge.from)!;
        const to = roomOf(edge.to);
        if (to === undefined || to === from) return false;
        return floorOf(to) >= floorOf(from) && floorOf(from) >= 0;
      })
      .map((edge) => `${where(edge)} (floor ${floorOf(roomOf(edge.from)!)} -> floor ${floorOf(roomOf(edge.to)!)})`),
  });
  rules.push({
    name: 'the two engines never import each other',
    failures: graph.edges
      .filter(
        (edge) =>
          (inside(edge.from, 'src/models-legacy') && inside(edge.to, 'src/models-v2')) ||
          (inside(edge.from, 'src/models-v2') && inside(edge.to, 'src/models-legacy')),
      )
      .map(where),
  });
  rules.push({
    name: 'no import circle (type-only imports included)',
    failures: circles(graph).map((circle) => circle.join(' <-> ')),
  });
  rules.push({
    name: 'only src/engines/legacy.ts (and the legacy tests) import src/models-legacy/',
    failures: graph.edges
      .filter((edge) => inside(edge.to, 'src/models-legacy'))
      .filter(
        (edge) => !inside(edge.from, 'src/models-legacy') && edge.from !== 'src/engines/legacy.ts' && !inside(edge.from, 'test/legacy'),
      )
      .map(where),
  });
  rules.push({
    name: 'official SDKs are imported only inside src/models-v2/',
    failures: graph.edges
      .filter((edge) => edge.from.startsWith('src/') && !inside(edge.from, 'src/models-v2') && !BARE_SDK_REFERENCES.includes(edge.from))
      .filter((edge) => isSdk(edge.specifier) && !edge.typeOnly)
      .map(where),
  });
  rules.push({
    name: 'dd-models loads the harness (src/testing) only through import(), for the rollout commands',
    failures: graph.edges
      .filter((edge) => inside(edge.from, 'src/cli') && inside(edge.to, 'src/testing') && !edge.dynamic && !edge.typeOnly)
      .map(where),
  });
  const loaded = staticallyReachable(graph, 'src/index.ts');
  rules.push({
    name: 'importing src/index.ts statically loads no SDK (SDKs come in through import())',
    failures: graph.edges.filter((edge) => loaded.has(edge.from) && !edge.dynamic && !edge.typeOnly && isSdk(edge.specifier)).map(where),
  });
  return rules;
}

/** Room-level arrows: `from -> to` with the number of file imports behind each. */
export function roomArrows(graph: ImportGraph): { from: string; to: string; imports: number }[] {
  const counts = new Map<string, number>();
  for (const edge of graph.edges) {
    const from = roomOf(edge.from);
    const to = edge.specifier.startsWith('.') ? roomOf(edge.to) : undefined;
    if (from === undefined || to === undefined || from === to) continue;
    counts.set(`${from} ${to}`, (counts.get(`${from} ${to}`) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, imports]) => {
      const [from, to] = key.split(' ');
      return { from, to, imports };
    })
    .sort(
      (a, b) =>
        floorOf(b.from) - floorOf(a.from) || a.from.localeCompare(b.from) || floorOf(b.to) - floorOf(a.to) || a.to.localeCompare(b.to),
    );
}
