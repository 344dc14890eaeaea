#!/usr/bin/env node
// npm run architecture: redraws the floors picture and the rooms table in docs/architecture.md from
// the import graph of src/ and scripts/ (src/testing/architecture/), and prints the layering rules.
// Exit 1 when a rule fails (the picture is written anyway, so the failure can be seen in it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { architectureBlock, withArchitectureBlock } from '../src/testing/architecture/diagram.ts';
import { readImportGraph } from '../src/testing/architecture/import-graph.ts';
import { layeringRules } from '../src/testing/architecture/layering.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docPath = join(root, 'docs/architecture.md');
const graph = readImportGraph(root);
const sourceGraph = {
  files: graph.files.filter((f) => !f.startsWith('test/')),
  edges: graph.edges.filter((e) => !e.from.startsWith('test/')),
};
const before = readFileSync(docPath, 'utf8');
const after = withArchitectureBlock(before, architectureBlock(sourceGraph));
if (after !== before) writeFileSync(docPath, after);
process.stdout.write(`architecture: docs/architecture.md ${after === before ? 'already up to date' : 'redrawn'}\n`);
let failed = 0;
for (const rule of layeringRules(graph)) {
  process.stdout.write(`${rule.failures.length === 0 ? 'PASS' : 'FAIL'}  ${rule.name}\n`);
  for (const failure of rule.failures) process.stdout.write(`        ${failure}\n`);
  if (rule.failures.length > 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
