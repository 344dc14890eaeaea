// The gate's `--html` report: one self-contained file (inline CSS, no scripts) for the rollout
// ticket, like compare's; it reuses compare's escaping.
import { escapeHtml } from '../compare/html-report.ts';
import type { GateReport, GateRow } from './evaluate-gate.ts';
import { failureLine, formatDelta, formatValue, METRIC_LABELS } from './gate-format.ts';

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1f2328; }
  .verdict { display: inline-block; font-weight: 700; padding: .15rem .6rem; border-radius: 1rem; color: #fff; }
  .verdict.pass { background: #1a7f37; } .verdict.fail { background: #cf222e; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  tr.fail td { background: #ffebe9; } tr.info td, tr.not-judged td { color: #6e7781; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: #6e7781; } dd { margin: 0; }
`;

function row(r: GateRow): string {
  const engines = `${r.engines.baseline ?? '–'} → ${r.engines.candidate ?? '–'}`;
  const cells = [
    r.alias,
    engines,
    METRIC_LABELS[r.metric],
    formatValue(r.metric, r.baseline),
    formatValue(r.metric, r.candidate),
    formatDelta(r.metric, r.delta),
    r.threshold ?? '–',
    r.status,
    r.note ?? '',
  ];
  return `<tr class="${r.status}" data-alias="${escapeHtml(r.alias)}" data-metric="${r.metric}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

export function renderGateHtml(report: GateReport, title = 'Phase-2 gate: baseline vs candidate'): string {
  const side = (s: GateReport['baseline']) =>
    `<code>${escapeHtml(s.file)}</code> (engines ${escapeHtml(s.engines.join(', ') || 'none')}${s.startedAt ? `, ${escapeHtml(s.startedAt)} → ${escapeHtml(s.endedAt ?? '?')}` : ''})`;
  const t = report.thresholds;
  const failures = report.failures.length
    ? `<ul id="failures">${report.failures.map((f) => `<li data-alias="${escapeHtml(f.alias)}" data-metric="${f.metric}">${escapeHtml(failureLine(f))}</li>`).join('')}</ul>`
    : '<p id="failures">No alias fails a threshold.</p>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<dl id="meta">
<dt>generated</dt><dd>${escapeHtml(report.generatedAt)}</dd>
<dt>baseline</dt><dd>${side(report.baseline)}</dd>
<dt>candidate</dt><dd>${side(report.candidate)}</dd>
<dt>thresholds</dt><dd>error rate +${t.maxErrorRateDeltaPp}pp (significant at ${t.confidence * 100}%), tokens per success ±${+(t.maxTokenDelta * 100).toFixed(4)}%, p95 ${t.maxP95Ratio}x, tokens and p95 judged from ${t.minCalls} calls</dd>
${report.candidateOnly.length ? `<dt>candidate only</dt><dd>${escapeHtml(report.candidateOnly.join(', '))}</dd>` : ''}
</dl>
<p><span class="verdict ${report.verdict}" id="verdict">${report.verdict.toUpperCase()}</span></p>
${failures}
<table id="rows">
<thead><tr><th>alias</th><th>engines</th><th>metric</th><th>baseline</th><th>candidate</th><th>change</th>
<th>threshold</th><th>status</th><th>note</th></tr></thead>
<tbody>${report.rows.map(row).join('\n')}</tbody>
</table>
</body>
</html>
`;
}
