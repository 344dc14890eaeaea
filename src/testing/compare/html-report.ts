// The `--html` report: one self-contained file (inline CSS, no scripts, no external assets) that
// can be attached to a rollout ticket and opened anywhere, offline.
import { PROVIDER_TYPES, type Operation } from '../../core/types.ts';
import { brief, casePasses, ENGINES, NO_REQUEST_EXPECTED, type CompareCase, type CompareReport, type EngineOutcome } from './compare-report.ts';

const OPERATIONS: readonly Operation[] = ['chat', 'embedding'];

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function json(value: unknown): string {
  return escapeHtml(value === undefined ? 'absent' : JSON.stringify(value, null, 2));
}

const STYLE = `
  :root { --ok: #1a7f37; --bad: #cf222e; --na: #6e7781; --line: #d0d7de; --soft: #f6f8fa; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1f2328; }
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
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
  th { background: var(--soft); font-weight: 600; }
  td.ok { color: var(--ok); font-weight: 600; }
  td.bad { color: var(--bad); font-weight: 600; }
  td.na { color: var(--na); }
  table.matrix td { text-align: center; }
  table.matrix td.cell-ok { background: #dafbe1; }
  table.matrix td.cell-bad { background: #ffebe9; }
  table.matrix td.cell-empty { color: var(--na); }
  pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
  code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
  section.case { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
`;

function verdictCell(value: boolean | null): string {
  if (value === null) return '<td class="na">–</td>';
  return value ? '<td class="ok">✓</td>' : '<td class="bad">✗</td>';
}

function summarySection(report: CompareReport, title: string, generatedAt: string): string {
  const { total, parity, matches, mismatched } = report.summary;
  const pass = mismatched === 0;
  const share = total === 0 ? '0' : ((parity / total) * 100).toFixed(1).replace(/\.0$/, '');
  return `
<h1>${escapeHtml(title)}</h1>
<p class="muted">Generated ${escapeHtml(generatedAt)}. Both engines replayed the same recorded traffic; a case is in parity when their canonical results (ignoring <code>id</code>) and wire bodies agree, and it matches when it also meets its expectation and recorded request bodies.</p>
<p><span class="verdict ${pass ? 'pass' : 'fail'}" id="verdict">${pass ? 'PASS' : 'FAIL'}</span></p>
<dl class="summary" id="summary">
  <div><dt>Cases</dt><dd data-key="total">${total}</dd></div>
  <div><dt>In parity</dt><dd data-key="parity">${parity} <span class="muted">(${share}%)</span></dd></div>
  <div><dt>Match</dt><dd data-key="matches">${matches}</dd></div>
  <div><dt>Parity alone</dt><dd data-key="unjudged">${report.cases.filter((c) => c.matches === null).length}</dd></div>
  <div><dt>Mismatched</dt><dd data-key="mismatched">${mismatched}</dd></div>
</dl>`;
}

function matrixSection(report: CompareReport): string {
  const providers = PROVIDER_TYPES.filter((p) => report.cases.some((c) => c.provider === p));
  const rows = providers.map((provider) => {
    const cells = OPERATIONS.map((operation) => {
      const cases = report.cases.filter((c) => c.provider === provider && c.operation === operation);
      if (cases.length === 0) return '<td class="cell-empty">–</td>';
      const inParity = cases.filter((c) => c.parity).length;
      const failing = cases.filter((c) => !casePasses(c)).length;
      const detail = failing > 0 ? `<div class="muted mismatched">${failing} mismatched</div>` : '';
      return `<td class="${failing === 0 ? 'cell-ok' : 'cell-bad'}" data-provider="${provider}" data-operation="${operation}"><div class="parity">${inParity}/${cases.length} in parity</div>${detail}</td>`;
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

function casesSection(report: CompareReport): string {
  const rows = report.cases.map(
    (c) =>
      `<tr><td>${escapeHtml(c.name)}</td><td>${c.provider}</td><td>${c.operation}</td>${verdictCell(c.parity)}${verdictCell(c.matches)}<td>${c.legacy.attempts}/${c.v2.attempts}${c.noRequestExpected ? ` (${NO_REQUEST_EXPECTED})` : ''}</td><td>${escapeHtml(outcomeLabel(c.legacy))}</td><td>${escapeHtml(outcomeLabel(c.v2))}</td></tr>`,
  );
  return `
<h2>All cases</h2>
<table id="cases">
  <thead><tr><th>case</th><th>provider</th><th>operation</th><th>parity</th><th>matches</th><th>attempts legacy/v2</th><th>legacy</th><th>v2</th></tr></thead>
  <tbody>${rows.join('\n')}</tbody>
</table>`;
}

function outcomeLabel(outcome: EngineOutcome): string {
  return outcome.ok ? 'response' : (outcome.error?.type ?? 'error');
}

function diffTable(caption: string, headers: [string, string], rows: { path: string; left: unknown; right: unknown }[]): string {
  if (rows.length === 0) return '';
  const body = rows
    .map((r) => `<tr><td><code>${escapeHtml(r.path)}</code></td><td><pre>${json(r.left)}</pre></td><td><pre>${json(r.right)}</pre></td></tr>`)
    .join('\n');
  return `
<h4>${escapeHtml(caption)}</h4>
<table class="diff">
  <thead><tr><th>path</th><th>${escapeHtml(headers[0])}</th><th>${escapeHtml(headers[1])}</th></tr></thead>
  <tbody>${body}</tbody>
</table>`;
}

function mismatchSection(c: CompareCase, index: number): string {
  const outcome = (engine: 'legacy' | 'v2'): string => {
    const o = c[engine];
    const what = o.ok ? 'canonical response' : `${escapeHtml(o.error?.type ?? 'error')}: ${escapeHtml(brief(o.error?.message ?? '', 300))}`;
    return `<li><strong>${engine}</strong>: ${what}, ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}${o.sleeps.length ? `, slept ${o.sleeps.join(', ')} ms` : ''}</li>`;
  };
  const parity = diffTable('Parity differences (legacy vs v2)', ['legacy', 'v2'], c.diffs.map((d) => ({ path: d.path, left: d.legacy, right: d.v2 })));
  const expectation = ENGINES.map((engine) =>
    diffTable(`${engine}: differences from the fixture's expectation and recorded bodies`, ['expected', 'actual'], c[engine].mismatches.map((m) => ({ path: m.path, left: m.expected, right: m.actual }))),
  ).join('');
  return `
<section class="case" id="mismatch-${index}" data-case="${escapeHtml(c.name)}">
  <h3>${escapeHtml(c.name)}</h3>
  <p class="muted">${escapeHtml(c.file)} · ${c.provider} · ${c.operation} · parity ${c.parity ? 'yes' : 'no'} · matches ${c.matches === null ? 'n/a' : c.matches ? 'yes' : 'no'}</p>
  <ul>${outcome('legacy')}${outcome('v2')}</ul>
  ${parity}${expectation}
</section>`;
}

export function renderHtml(report: CompareReport, options: { title?: string; generatedAt?: string } = {}): string {
  const title = options.title ?? 'Engine compare report';
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const failing = report.cases.filter((c) => !casePasses(c));
  const mismatches =
    failing.length === 0
      ? '<p id="no-mismatches">No mismatches: every case is in parity and matches.</p>'
      : failing.map((c, i) => mismatchSection(c, i)).join('\n');
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
<h2>Mismatches (${failing.length})</h2>
${mismatches}
${casesSection(report)}
</body>
</html>
`;
}
