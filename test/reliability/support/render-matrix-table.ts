// Renders the fault matrix (test/reliability/fault-matrix-cases.ts) as the Markdown table in
// docs/reliability.md. Run: npx node test/reliability/support/render-matrix-table.ts
// test/reliability/matrix-doc.test.ts fails when the doc's table is not this output.
import { fileURLToPath } from 'node:url';
import { FAULT_CASES, type FaultCase } from '../fault-matrix-cases.ts';

function outcome(c: FaultCase): string {
  const { outcome, status } = c.expected;
  return status === undefined ? `\`${outcome}\`` : `\`${outcome}\` (${status})`;
}

export function renderMatrixTable(): string {
  const rows = [
    '| Group | Fault (server side, per attempt) | legacy and v2 × openai, anthropic, bedrock | Attempts | Sleeps asked (ms) |',
    '|---|---|---|---|---|',
  ];
  for (const c of FAULT_CASES) {
    const sleeps = c.expected.sleeps.length ? c.expected.sleeps.join(', ') : '—';
    const fault = c.name.replaceAll('|', '\\|') + (c.timeoutMs ? ` (timeout_ms ${c.timeoutMs})` : '');
    rows.push(`| ${c.group} | ${fault} | ${outcome(c)} | ${c.expected.attempts} | ${sleeps} |`);
  }
  return rows.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${renderMatrixTable()}\n`);
