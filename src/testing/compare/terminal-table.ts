// The terminal side of the compare report: one row per case, a summary line, and a progress
// bar that only a person watching a terminal ever sees.
import { brief, casePasses, firstDifference, NO_REQUEST_EXPECTED, type CompareCase, type CompareReport } from './compare-report.ts';
import { escapeTerminalText } from '../terminal-text.ts';

export interface TableStyle {
  color: boolean;
  /** Total width available; the first-diff column takes what is left. */
  width: number;
}

const GREEN = '\u001b[32m';
const RED = '\u001b[31m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

function paint(text: string, code: string, style: TableStyle): string {
  return style.color ? `${code}${text}${RESET}` : text;
}

function verdict(value: boolean | null, style: TableStyle): string {
  if (value === null) return paint('–', DIM, style);
  return value ? paint('✓', GREEN, style) : paint('✗', RED, style);
}

function clip(text: string, width: number): string {
  if (width <= 1) return '';
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Pads by visible width, so colour codes do not throw the columns off. */
function pad(text: string, width: number): string {
  const visible = text.replace(/\u001b\[[0-9;]*m/g, '').length;
  return text + ' '.repeat(Math.max(0, width - visible));
}

function describeDiff(c: CompareCase): string {
  const first = firstDifference(c);
  if (!first) return c.noRequestExpected ? NO_REQUEST_EXPECTED : '';
  return `${first.path}: ${brief(first.left, 40)} ≠ ${brief(first.right, 40)}`;
}

export function renderTable(report: CompareReport, style: TableStyle): string {
  const headers = ['case', 'provider', 'operation', 'parity', 'matches', 'attempts l/v2', 'first diff'];
  // Names, providers and diffs come from fixture files: their control characters are shown, not obeyed.
  const rows = report.cases.map((c) => [
    escapeTerminalText(c.name),
    escapeTerminalText(c.provider),
    escapeTerminalText(c.operation),
    verdict(c.parity, style),
    verdict(c.matches, style),
    `${c.legacy.attempts}/${c.v2.attempts}`,
    escapeTerminalText(describeDiff(c)),
  ]);
  const fixed = headers.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].replace(/\u001b\[[0-9;]*m/g, '').length)));
  fixed[0] = Math.min(fixed[0], 56);
  const used = fixed.reduce((sum, w) => sum + w + 2, 0);
  const diffWidth = Math.max(24, style.width - used);
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? pad(clip(cell, fixed[0]), fixed[0]) : i < fixed.length ? pad(cell, fixed[i]) : clip(cell, diffWidth)))
      .join('  ')
      .trimEnd();
  const out = [line(headers), line(headers.map((h, i) => '─'.repeat(i < fixed.length ? fixed[i] : Math.min(diffWidth, 40))))];
  for (const row of rows) out.push(line(row));
  return `${out.join('\n')}\n`;
}

function percent(part: number, total: number): string {
  return total === 0 ? '0%' : `${((part / total) * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * One line whose every clause holds for every run: matching is counted only among cases in
 * parity, and total = matches + parity alone + mismatched.
 */
export function summaryLine(report: CompareReport): string {
  const { total, parity, matches, parityAlone, mismatched } = report.summary;
  const verdictText = mismatched === 0 ? 'PASS' : 'FAIL';
  const local = report.cases.filter((c) => c.noRequestExpected).length;
  const localText = local > 0 ? `; ${local} refused locally (no request expected)` : '';
  return `${verdictText}: ${total} case${total === 1 ? '' : 's'}, ${parity} in parity (${percent(parity, total)}): ${matches} also match${matches === 1 ? 'es' : ''}, ${parityAlone} passed on parity alone (nothing to match); ${mismatched} mismatched${localText}`;
}

/** Names every failing case with its first difference, for logs that only keep the tail. */
export function mismatchList(report: CompareReport): string {
  const failing = report.cases.filter((c) => !casePasses(c));
  if (failing.length === 0) return '';
  const lines = failing.map((c) => {
    const first = firstDifference(c);
    const where = first ? `${first.label} at ${first.path}: ${brief(first.left, 80)} vs ${brief(first.right, 80)}` : 'no detail';
    return escapeTerminalText(`  ${c.name} (${c.file}): ${where}`);
  });
  return `Mismatched cases:\n${lines.join('\n')}\n`;
}

/**
 * A single-line progress bar, redrawn in place — only when `stream` itself is a terminal: its
 * cursor codes would otherwise end up in whatever file or pipe the stream was redirected to.
 */
export function createProgress(total: number, stream: NodeJS.WriteStream): { tick(label: string): void; done(): void } {
  if (stream.isTTY !== true) return { tick() {}, done() {} };
  let count = 0;
  const width = 24;
  return {
    tick(label) {
      count += 1;
      const filled = total === 0 ? width : Math.round((count / total) * width);
      const columns = stream.columns ?? 80;
      const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${escapeTerminalText(label)}`;
      stream.write(`\r\u001b[2K${clip(text, columns - 1)}`);
    },
    done() {
      stream.write('\r\u001b[2K');
    },
  };
}
