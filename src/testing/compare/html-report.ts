// The `--html` report: one self-contained file (inline CSS, no scripts, no external assets) that
// can be attached to a rollout ticket and opened anywhere, offline.
import { PROVIDER_TYPES, type Operation } from '../../core/types.ts';
import {
  brief,
  casePasses,
  ENGINES,
  NO_REQUEST_EXPECTED,
  summarise,
  type CompareCase,
  type CompareReport,
  type EngineOutcome,
} from './compare-report.ts';

const OPERATIONS: readonly Operation[] = ['chat', 'embedding'];

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

function json(value: unknown): string {
  return escapeHtml(value === undefined ? 'absent' : JSON.stringify(value, null, 2));
}

const STYLE = `
  :root { --ok: #1a7f37; --bad: #cf222e; --na: #6e7781; --line: #d0d7de; --soft: #f6f8fa; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1600px; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
  h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
  .muted { color: var(--na); }
  .verdict { display: inline-block; font-weight: 700; padding: .15rem .6rem; border-radius: 1rem; color: #fff; }
  .verdict.pass { background: var(--ok); }
  .verdict.fail { background: var(--bad); }
  dl.summary { display: grid; grid-template-columns: repeat(5, minmax(8rem, 1fr)); gap: .75rem; margin: 1rem 0; }
  dl.summary div { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
  dl.summary dt { color: var(--na); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
  dl.summary dd { margin: 0; font-size: 1.4rem; font-weight: 600; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; font-size: .9rem; }
  dl.meta dt { color: var(--na); }
  dl.meta dd { margin: 0; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  /* Words never break: a column is at least as wide as its longest word; names and paths carry
     <wbr> break points at / - _ . [ so they wrap between their parts instead. */
  th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: normal; word-break: normal; hyphens: none; }
  th { background: var(--soft); font-weight: 600; }
  /* The all-cases table fits a 1,400 px window (issue 29 item 6): the case name gets the room (at
     most two lines for the longest bundled names), the outcome columns break class names between
     their words (<wbr> at ModelRate|Limit|Error) instead of pushing the table past the page. */
  #cases td:first-child { min-width: 26rem; }
  td.ok { color: var(--ok); font-weight: 600; }
  td.bad { color: var(--bad); font-weight: 600; }
  td.na { color: var(--na); }
  table.matrix td { text-align: center; }
  table.matrix td.cell-ok { background: #dafbe1; }
  table.matrix td.cell-bad { background: #ffebe9; }
  table.matrix td.cell-empty { color: var(--na); }
  pre { margin: 0; white-space: pre-wrap; overflow-wrap: break-word; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
  code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
  section.group { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
  tr:target { outline: 2px solid #0969da; }
`;

/** Text with break opportunities after the separators of names and JSON paths, never inside a word. */
export function breakable(text: string): string {
  return escapeHtml(text).replace(/([/_.\-[])/g, '$1<wbr>');
}

/** An error class name with break opportunities between its words: `Model<wbr>Rate<wbr>Limit<wbr>Error`. */
function breakableName(text: string): string {
  return escapeHtml(text).replace(/([a-z])(?=[A-Z])/g, '$1<wbr>');
}

function verdictCell(value: boolean | null): string {
  if (value === null) return '<td class="na">–</td>';
  return value ? '<td class="ok">✓</td>' : '<td class="bad">✗</td>';
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What was compared and how it was judged: replayed fixtures and live runs differ. */
function method(report: CompareReport): string {
  if (report.meta?.mode === 'live') {
    return 'Both engines sent the same workload calls to the live endpoints of the config. Live answers differ from run to run, so a case is in parity when the structure of both answers agrees (success or error class, choice count, tool names, JSON validity, usage present, vector count and size), and it matches when, in addition to parity, both engines succeeded, reported usage and returned valid JSON wherever JSON was asked for.';
  }
  return 'Both engines replayed the same recorded traffic. A case is in parity when their canonical results (ignoring <code>id</code>), wire bodies and attempt counts agree; it matches when, in addition to parity, it meets its expectation and recorded request bodies. A case with nothing to match (raw recorded traffic) is judged on parity alone.';
}

function metaSection(report: CompareReport, generatedAt: string): string {
  const meta = report.meta;
  const rows: [string, string][] = [['generated', escapeHtml(meta?.generatedAt ?? generatedAt)]];
  if (meta) {
    rows.push([
      'commit',
      meta.commit ? `<code>${escapeHtml(meta.commit)}</code>${meta.dirty ? ' (with uncommitted changes)' : ''}` : 'not a git checkout',
    ]);
    if (meta.fixtures) rows.push(['fixtures', meta.fixtures.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')]);
    if (meta.live) {
      rows.push(['config', `<code>${escapeHtml(meta.live.config)}</code>`], ['workload', `<code>${escapeHtml(meta.live.workload)}</code>`]);
      rows.push([
        'endpoints',
        meta.live.providers
          .map((p) => `${escapeHtml(p.name)} (${escapeHtml(p.providerType)}) <code>${escapeHtml(p.endpoint)}</code>`)
          .join('<br>'),
      ]);
    }
    if (meta.filter !== null) rows.push(['filter', `<code>${escapeHtml(meta.filter)}</code>`]);
    rows.push(['Node', escapeHtml(meta.versions.node)]);
    rows.push([
      'packages',
      Object.entries(meta.versions.packages)
        .map(([name, version]) => `${escapeHtml(name)} ${escapeHtml(version ?? 'not installed')}`)
        .join(', '),
    ]);
  }
  return `<dl class="meta" id="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd data-key="${k}">${v}</dd>`).join('')}</dl>`;
}

function summarySection(report: CompareReport, title: string, generatedAt: string): string {
  const { total, parity, matches, parityAlone, mismatched } = report.summary;
  const pass = mismatched === 0;
  const share = total === 0 ? '0' : ((parity / total) * 100).toFixed(1).replace(/\.0$/, '');
  return `
<h1>${escapeHtml(title)}</h1>
${metaSection(report, generatedAt)}
<p class="muted" id="method">${method(report)}</p>
<p><span class="verdict ${pass ? 'pass' : 'fail'}" id="verdict">${pass ? 'PASS' : 'FAIL'}</span></p>
<dl class="summary" id="summary">
  <div><dt>Cases</dt><dd data-key="total">${total}</dd></div>
  <div><dt>In parity</dt><dd data-key="parity">${parity} <span class="muted">(${share}%)</span></dd></div>
  <div><dt>In parity and match</dt><dd data-key="matches">${matches}</dd></div>
  <div><dt>In parity, nothing to match</dt><dd data-key="parityAlone">${parityAlone}</dd></div>
  <div><dt>Mismatched</dt><dd data-key="mismatched">${mismatched}</dd></div>
</dl>`;
}

function matrixSection(report: CompareReport): string {
  const providers = PROVIDER_TYPES.filter((p) => report.cases.some((c) => c.provider === p));
  const rows = providers.map((provider) => {
    const cells = OPERATIONS.map((operation) => {
      const cases = report.cases.filter((c) => c.provider === provider && c.operation === operation);
      if (cases.length === 0) return '<td class="cell-empty">–</td>';
      const counts = summarise(cases);
      const lines = [
        `<div class="parity">${counts.parity}/${counts.total} in parity</div>`,
        `<div class="matches">${counts.matches} match</div>`,
        `<div class="parity-alone">${counts.parityAlone} parity alone</div>`,
      ];
      if (counts.mismatched > 0) lines.push(`<div class="mismatched">${counts.mismatched} mismatched</div>`);
      return `<td class="${counts.mismatched === 0 ? 'cell-ok' : 'cell-bad'}" data-provider="${provider}" data-operation="${operation}">${lines.join('')}</td>`;
    });
    return `<tr><th scope="row">${provider}</th>${cells.join('')}</tr>`;
  });
  return `
<h2>Parity by provider and operation</h2>
<table class="matrix" id="parity-matrix">
  <thead><tr><th>provider</th>${OPERATIONS.map((o) => `<th>${o}</th>`).join('')}</tr></thead>
  <tbody>${rows.join('\n')}</tbody>
</table>`;
}

function sleepsText(outcome: EngineOutcome): string {
  const slept = outcome.sleeps.length === 0 ? '–' : outcome.sleeps.map((ms) => Math.round(ms)).join(', ');
  return outcome.pacingWaits.length === 0 ? slept : `${slept} (paced ${outcome.pacingWaits.map((ms) => Math.round(ms)).join(', ')})`;
}

function casesSection(report: CompareReport, groupOf: Map<CompareCase, number>): string {
  const rows = report.cases.map((c, i) => {
    const group = groupOf.get(c);
    const name = group === undefined ? breakable(c.name) : `<a href="#group-${group}">${breakable(c.name)}</a>`;
    return `<tr id="case-${i}"><td>${name}</td><td>${c.provider}</td><td>${c.operation}</td>${verdictCell(c.parity)}${verdictCell(c.matches)}<td>${c.legacy.attempts}/${c.v2.attempts}${c.noRequestExpected ? ` (${NO_REQUEST_EXPECTED})` : ''}</td><td>${sleepsText(c.legacy)}</td><td>${sleepsText(c.v2)}</td><td>${breakableName(outcomeLabel(c.legacy))}</td><td>${breakableName(outcomeLabel(c.v2))}</td></tr>`;
  });
  return `
<h2>All cases</h2>
<div class="scroll">
<table id="cases">
  <thead><tr><th>case</th><th>provider</th><th>operation</th><th>parity</th><th>matches</th><th>attempts legacy/v2</th><th>sleeps legacy (ms)</th><th>sleeps v2 (ms)</th><th>legacy</th><th>v2</th></tr></thead>
  <tbody>${rows.join('\n')}</tbody>
</table>
</div>`;
}

function outcomeLabel(outcome: EngineOutcome): string {
  return outcome.ok ? 'response' : (outcome.error?.type ?? 'error');
}

function diffTable(caption: string, headers: [string, string], rows: { path: string; left: unknown; right: unknown }[]): string {
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (r) => `<tr><td><code>${breakable(r.path)}</code></td><td><pre>${json(r.left)}</pre></td><td><pre>${json(r.right)}</pre></td></tr>`,
    )
    .join('\n');
  return `
<h4>${escapeHtml(caption)}</h4>
<div class="scroll">
<table class="diff">
  <thead><tr><th>path</th><th>${escapeHtml(headers[0])}</th><th>${escapeHtml(headers[1])}</th></tr></thead>
  <tbody>${body}</tbody>
</table>
</div>`;
}

/** Where a failing case differs: every parity path and every engine's mismatch path, labelled. */
export function differencePaths(c: CompareCase): string[] {
  const paths = c.diffs.map((d) => `legacy ≠ v2 at ${d.path}`);
  for (const engine of ENGINES) for (const m of c[engine].mismatches) paths.push(`${engine}: expected ≠ actual at ${m.path}`);
  if (paths.length === 0) paths.push('no difference recorded');
  return [...new Set(paths)].sort();
}

interface Group {
  paths: string[];
  cases: { c: CompareCase; index: number }[];
}

/** Failing cases grouped by the exact set of paths they differ at; largest group first. */
export function groupFailing(report: CompareReport): Group[] {
  const groups = new Map<string, Group>();
  report.cases.forEach((c, index) => {
    if (casePasses(c)) return;
    const paths = differencePaths(c);
    const key = paths.join('\n');
    const group = groups.get(key) ?? { paths, cases: [] };
    group.cases.push({ c, index });
    groups.set(key, group);
  });
  return [...groups.values()].sort((a, b) => b.cases.length - a.cases.length);
}

function engineLine(c: CompareCase, engine: 'legacy' | 'v2'): string {
  const o = c[engine];
  const what = o.ok ? 'canonical response' : `${escapeHtml(o.error?.type ?? 'error')}: ${escapeHtml(brief(o.error?.message ?? '', 300))}`;
  const slept = o.sleeps.length ? `, asked to sleep ${o.sleeps.map((ms) => Math.round(ms)).join(', ')} ms` : ', no sleeps';
  const paced = o.pacingWaits.length
    ? `, paced by admission ${o.pacingWaits.map((ms) => Math.round(ms)).join(', ')} ms (not compared)`
    : '';
  return `<li><strong>${engine}</strong>: ${what}, ${plural(o.attempts, 'attempt', 'attempts')}${slept}${paced}</li>`;
}

function groupSection(group: Group, index: number, live: boolean): string {
  const [{ c: first }] = group.cases;
  const members = group.cases
    .map(
      ({ c, index: row }) =>
        `<li data-case="${escapeHtml(c.name)}"><a href="#case-${row}">${breakable(c.name)}</a> <span class="muted">${breakable(c.file)} · ${c.provider} · ${c.operation} · attempts ${c.legacy.attempts}/${c.v2.attempts}</span></li>`,
    )
    .join('');
  // @both-engines: the two columns of a parity difference.
  const parity = diffTable(
    'Parity differences (legacy vs v2)',
    ['legacy', 'v2'] /* @both-engines */,
    first.diffs.map((d) => ({ path: d.path, left: d.legacy, right: d.v2 })),
  );
  const expectation = ENGINES.map((engine) =>
    diffTable(
      `${engine}: differences from the ${live ? 'live requirements (success, usage, valid JSON)' : "fixture's expectation and recorded bodies"}`,
      ['expected', 'actual'],
      first[engine].mismatches.map((m) => ({ path: m.path, left: m.expected, right: m.actual })),
    ),
  ).join('');
  const others = group.cases.length - 1;
  return `
<section class="group" id="group-${index}" data-size="${group.cases.length}">
  <h3>${plural(group.cases.length, 'case differs', 'cases differ')} at ${group.cases.length > 1 ? 'the same' : group.paths.length === 1 ? 'this' : 'these'} ${group.paths.length === 1 ? 'path' : 'paths'}</h3>
  <ul class="paths">${group.paths.map((p) => `<li><code>${breakable(p)}</code></li>`).join('')}</ul>
  <ul class="members">${members}</ul>
  <p class="muted">Details of <strong>${breakable(first.name)}</strong>${others === 1 ? ' (the other case differs at the same paths; its values may differ)' : others > 1 ? ` (the other ${others} cases differ at the same paths; their values may differ)` : ''}: parity ${first.parity ? 'yes' : 'no'} · matches ${first.matches === null ? 'nothing to match' : first.matches ? 'yes' : 'no'}</p>
  <ul>${engineLine(first, 'legacy')}${engineLine(first, 'v2')}</ul>
  ${parity}${expectation}
</section>`;
}

function noMismatches(report: CompareReport): string {
  const { total, matches, parityAlone } = report.summary;
  if (total === 0) return 'No cases were compared.';
  if (parityAlone === 0) return `No mismatches: every case is in parity and matches.`;
  if (matches === 0)
    return `No mismatches: every case is in parity; none had anything to match, so all ${total} were judged on parity alone.`;
  return `No mismatches: every case is in parity; ${matches} also match and ${parityAlone} had nothing to match (judged on parity alone).`;
}

export function renderHtml(report: CompareReport, options: { title?: string; generatedAt?: string } = {}): string {
  const title = options.title ?? 'Engine compare report';
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const groups = groupFailing(report);
  const groupOf = new Map<CompareCase, number>();
  groups.forEach((group, i) => group.cases.forEach(({ c }) => groupOf.set(c, i)));
  const failing = report.summary.mismatched;
  const mismatches =
    groups.length === 0
      ? `<p id="no-mismatches">${noMismatches(report)}</p>`
      : groups.map((group, i) => groupSection(group, i, report.meta?.mode === 'live')).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${summarySection(report, title, generatedAt)}
${matrixSection(report)}
<h2>Mismatches (${plural(failing, 'case', 'cases')}${groups.length > 0 ? ` in ${plural(groups.length, 'group', 'groups')}` : ''})</h2>
${mismatches}
${casesSection(report, groupOf)}
</body>
</html>
`;
}
