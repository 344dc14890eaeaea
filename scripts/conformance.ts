#!/usr/bin/env node
// npm run conformance -- [--runs N] [--seed S] [--json F] [--engine legacy|v2|both] [--provider P]...
// Generated conformance (issue 24), two sections. requests: draws canonical requests with
// fast-check, sends each through the real clients of every engine × provider on loopback, and
// judges what reached the wire by the providers' definitions (../shared/api-specs), the rules they
// cannot express and content conservation (docs/engine-rules.md, "Generated conformance").
// responses: draws provider answers from the response definitions and judges what both engines
// make of them (docs/generated-responses.md). Sections run in order; each
// returns a SectionReport (test/conformance/generated/report.ts). Exit 0: no violation; 1: any
// violation; 2: usage error.
import { writeFileSync } from 'node:fs';
import { parseFlags } from '../src/config/command-line-flags.ts';
import type { EngineName } from '../src/core/model-client.ts';
import { PROVIDER_TYPES, type ProviderType } from '../src/core/types.ts';
import { ENGINES } from '../src/testing/engines.ts';
import type { Section, SectionOptions, SectionReport } from '../test/conformance/generated/report.ts';
import { runRequestConformance } from '../test/conformance/generated/requests.ts';
import { runResponseConformance } from '../test/conformance/generated/responses.ts';

const USAGE = `Usage:
  npm run conformance -- [--runs N] [--seed S] [--json F] [--engine legacy|v2|both] [--provider openai|anthropic|bedrock]...
                         [--section requests|responses]... [--no-shrink] [--shrink-seconds N]

  --runs N           generated cases per section (default 2000); a request case runs on every provider × engine,
                     a response case is read by every engine (--runs per provider)
  --section S        requests or responses; repeatable; default both, in that order
  --seed S           fast-check seed (default 24); the same seed draws the same cases
  --json F           write the report (sections, outcomes, violations with their shrunk cases)
  --engine E         legacy, v2 or both (default both; parity is judged only with both)
  --provider P       repeatable; default all three
  --no-shrink        report the first case of each violation without shrinking it
  --shrink-seconds N total time spent shrinking (default 120)

Exit codes: 0 no violation, 1 any violation, 2 usage error.
`;

/** The sections, in order. */
const SECTIONS: { name: string; run: Section }[] = [
  { name: 'requests', run: runRequestConformance },
  { name: 'responses', run: (options) => runResponseConformance(options) },
];

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) fail(`${flag} must be a non-negative integer, got "${text}"`);
  return value;
}

function parse(): SectionOptions & { json?: string; shrinkSeconds: number; sections: string[] } {
  let values;
  try {
    ({ values } = parseFlags({
      options: {
        runs: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'string' },
        engine: { type: 'string' },
        provider: { type: 'string', multiple: true },
        section: { type: 'string', multiple: true },
        'no-shrink': { type: 'boolean' },
        'shrink-seconds': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const engine = values.engine ?? 'both';
  if (!['legacy', 'v2', 'both'].includes(engine)) fail(`--engine must be legacy, v2 or both, got "${engine}"`);
  const engines: EngineName[] = engine === 'both' ? [...ENGINES] : [engine as EngineName];
  const providers = (values.provider ?? [...PROVIDER_TYPES]) as ProviderType[];
  for (const p of providers) if (!PROVIDER_TYPES.includes(p)) fail(`--provider must be one of ${PROVIDER_TYPES.join(', ')}, got "${p}"`);
  const names = SECTIONS.map((section) => section.name);
  const sections = values.section ?? names;
  for (const name of sections) if (!names.includes(name)) fail(`--section must be one of ${names.join(', ')}, got "${name}"`);
  const runs = integer(values.runs, '--runs', 2000);
  if (runs < 1) fail('--runs must be at least 1');
  return {
    runs,
    seed: integer(values.seed, '--seed', 24),
    json: values.json,
    engines,
    providers: [...new Set(providers)],
    shrink: !values['no-shrink'],
    shrinkSeconds: integer(values['shrink-seconds'], '--shrink-seconds', 120),
    sections: [...new Set(sections)],
  };
}

function summary(report: SectionReport, options: SectionOptions): string {
  const rate = (report.cases / report.seconds).toFixed(0);
  const lines = [
    `== ${report.name}: ${report.cases} cases in ${report.seconds.toFixed(1)} s (${rate} cases/s; ` +
      `${options.providers.length} provider(s) × ${options.engines.length} engine(s) each)`,
  ];
  lines.push('outcomes (provider × engine: kind):');
  for (const [key, n] of Object.entries(report.outcomes).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${key}: ${n}`);
  lines.push(`violations: ${report.violations.length} distinct (kind | provider | engine)`);
  for (const v of report.violations) {
    lines.push(`  - ${v.kind} | ${v.provider} | ${v.engine}: ${v.message}`);
    lines.push(`    shrunk case: ${JSON.stringify(v.counterexample)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parse();
  const reports: SectionReport[] = [];
  for (const section of SECTIONS.filter((s) => options.sections.includes(s.name))) {
    const what = `${options.runs} cases, seed ${options.seed}, engines ${options.engines.join('+')}, providers ${options.providers.join('+')}`;
    process.stdout.write(`running ${section.name}: ${what}\n`);
    const report = await section.run({
      ...options,
      progress: (done, total) => process.stdout.write(`  ${section.name}: ${done}/${total} cases\n`),
    });
    reports.push(report);
    process.stdout.write(`${summary(report, options)}\n`);
  }
  const violations = reports.reduce((n, r) => n + r.violations.length, 0);
  if (options.json) {
    const { json, ...echo } = options;
    writeFileSync(json, `${JSON.stringify({ options: echo, sections: reports }, null, 2)}\n`);
    process.stdout.write(`report written to ${json}\n`);
  }
  process.stdout.write(violations === 0 ? 'conformance: 0 violations\n' : `conformance: ${violations} distinct violation(s)\n`);
  process.exit(violations === 0 ? 0 : 1);
}

await main();
